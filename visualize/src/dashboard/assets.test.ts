import { mkdir, mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ASSET_FILES, builtAssetsDir, loadDashboardAssets, type DashboardAssets } from "./assets.js";

type Scripts = Omit<DashboardAssets, "css">;

/** Distinct texts, so that a script read from the wrong file shows. */
const SCRIPTS: Scripts = {
  localTime: '"use strict";\nvoid "local time";\n',
  reload: '"use strict";\nvoid "reload";\n',
  alertsFilter: '"use strict";\nvoid "alerts filter";\n',
};

/** A distinct text for each stylesheet file, by its place in ASSET_FILES.css. */
const cssPart = (file: string, i: number): string => `/* ${file} */\n.part-${i} { order: ${i}; }\n`;

let dir: string;
/** The temp folder as the URL loadDashboardAssets takes (trailing "/"). */
const dirUrl = (): URL => pathToFileURL(`${dir}/`);

/** Every file the loader reads, relative to its folder. */
const ALL_FILES = [...ASSET_FILES.css, ASSET_FILES.localTime, ASSET_FILES.reload, ASSET_FILES.alertsFilter];

async function writeFileIn(relative: string, text: string): Promise<void> {
  const file = join(dir, relative);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text, "utf8");
}

/** Writes a built folder: each stylesheet file its cssPart, each script as given. */
async function writeAssets(scripts: Scripts = SCRIPTS): Promise<void> {
  for (const [i, file] of ASSET_FILES.css.entries()) await writeFileIn(file, cssPart(file, i));
  await writeFileIn(ASSET_FILES.localTime, scripts.localTime);
  await writeFileIn(ASSET_FILES.reload, scripts.reload);
  await writeFileIn(ASSET_FILES.alertsFilter, scripts.alertsFilter);
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hostwatch-assets-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("loadDashboardAssets", () => {
  it("reads each built script's text as it is, and the stylesheet files joined in their order", async () => {
    await writeAssets();
    expect(await loadDashboardAssets(dirUrl())).toEqual({
      ...SCRIPTS,
      css: ASSET_FILES.css.map(cssPart).join(""),
    });
  });

  it("joins the stylesheet files byte for byte: nothing added, trimmed or re-encoded", async () => {
    await writeAssets();
    // no final newline, non-ASCII text and CRLF line ends, an empty file, leading blank lines
    const odd = ["a{}", "/* é */\r\nb{}\r\n", "", "\n\nc{}", "d{}\n"];
    expect(odd).toHaveLength(ASSET_FILES.css.length);
    for (const [i, file] of ASSET_FILES.css.entries()) await writeFileIn(file, odd[i]!);
    expect((await loadDashboardAssets(dirUrl())).css).toBe(odd.join(""));
  });

  it.each(ALL_FILES)("names the missing %s and how to build it", async (missing) => {
    await writeAssets();
    await unlink(join(dir, missing));
    const failure = loadDashboardAssets(dirUrl());
    await expect(failure).rejects.toThrow(`${join(dir, missing)} is missing`);
    await expect(failure).rejects.toThrow(/npm run build/);
  });

  it("names the first file when the whole build output is missing", async () => {
    const nowhere = pathToFileURL(join(dir, "no-dist", "/"));
    await expect(loadDashboardAssets(nowhere)).rejects.toThrow(
      `${join(dir, "no-dist", ASSET_FILES.css[0]!)} is missing`,
    );
  });

  it("names the first missing file in the order of ASSET_FILES when several are", async () => {
    await writeAssets();
    await unlink(join(dir, ASSET_FILES.reload));
    await unlink(join(dir, ASSET_FILES.css.at(-1)!));
    await expect(loadDashboardAssets(dirUrl())).rejects.toThrow(
      `${join(dir, ASSET_FILES.css.at(-1)!)} is missing`,
    );
  });

  it("refuses a script that would break out of its inline <script> element", async () => {
    for (const bad of ["x = '</script><b>';", "x = '<!-- y';", "x = '</SCRIPT >';"]) {
      await writeAssets({ ...SCRIPTS, reload: bad });
      await expect(loadDashboardAssets(dirUrl())).rejects.toThrow(/reload\.js contains .* cannot be inlined/);
    }
  });

  it("does not check the stylesheet as a script (a CSS comment may hold any text)", async () => {
    await writeAssets();
    await writeFileIn(ASSET_FILES.css[0]!, "/* </script> <!-- */\n");
    expect((await loadDashboardAssets(dirUrl())).css).toMatch(/^\/\* <\/script> <!-- \*\/\n/);
  });
});

describe("builtAssetsDir", () => {
  it("is the module's own folder in dist, and the mirror folder under dist/ from the source", () => {
    expect(builtAssetsDir("file:///app/dist/visualize/src/dashboard/assets.js").href).toBe(
      "file:///app/dist/visualize/src/dashboard/",
    );
    expect(builtAssetsDir("file:///repo/visualize/src/dashboard/assets.ts").href).toBe(
      "file:///repo/dist/visualize/src/dashboard/",
    );
  });
});
