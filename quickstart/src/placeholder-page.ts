import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

/** Until the first dashboard is drawn, index.html says so and reloads itself. */
export async function writePlaceholder(dir: string): Promise<void> {
  const index = path.join(dir, "index.html");
  if (existsSync(index)) return;
  await mkdir(dir, { recursive: true });
  await writeFile(
    index,
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>hostwatch: starting</title></head>
<body style="font-family: system-ui, sans-serif; margin: 2rem">
<h1>hostwatch is starting</h1>
<p>The first dashboard appears here after the collector's first polls (about half a minute). This page reloads itself.</p>
</body></html>
`,
  );
}
