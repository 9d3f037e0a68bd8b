/**
 * Writes the config reference tables into README.md from the config schemas and descriptions.ts.
 *
 *   npm run docs:config                                           build, then write README.md
 *   node dist/collector/src/config/reference/update-readme.js [--check] [README.md]
 *
 * --check writes nothing and exits 1 when the README is not up to date. Missing markers are an
 * error (exit 1), never silently skipped.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readBlock, replaceBlock } from "./readme-blocks.js";
import { CONFIG_NAMES, prettierOptionsFor, renderConfigBlock } from "./render-markdown.js";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const check = args.includes("--check");
  const file = path.resolve(args.find((arg) => !arg.startsWith("--")) ?? "README.md");
  const original = readFileSync(file, "utf8");
  const options = await prettierOptionsFor(file);
  let readme = original;
  const stale: string[] = [];
  for (const name of CONFIG_NAMES) {
    const block = await renderConfigBlock(name, options);
    if (readBlock(readme, name) !== block) stale.push(name);
    readme = replaceBlock(readme, name, block);
  }
  if (check) {
    if (stale.length > 0) {
      process.stderr.write(
        `${file}: config tables out of date (${stale.join(", ")}); run npm run docs:config\n`,
      );
      process.exitCode = 1;
    } else process.stdout.write(`${file}: config tables up to date\n`);
    return;
  }
  if (readme !== original) writeFileSync(file, readme);
  process.stdout.write(
    `${file}: ${stale.length > 0 ? `updated config tables: ${stale.join(", ")}` : "config tables up to date"}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`docs:config: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
