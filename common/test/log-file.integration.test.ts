import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// A log file on a real tmpfs that fills up: the program keeps running and logging to the
// console, warns once, and writes the file again once there is room.
const logging = path.resolve("dist/common/src/logging.js");

describe("log file on a disk that fills up", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "hostwatch-logfull-"));
    // root may mount here; a refusal must fail the test loudly, not skip it
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=512k", "tmpfs", dir]);
  });
  afterAll(() => {
    execFileSync("umount", [dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the process alive, warns once, and writes the file again after space is freed", async () => {
    const filler = path.join(dir, "filler");
    // the program logs 2 KB lines every 5 ms until the disk is full, then the filler file is
    // removed and 300 short lines (60 KB) follow: room enough for all of them
    const script = `
      import { createLogger } from ${JSON.stringify(logging)};
      import { rmSync } from "node:fs";
      const logger = await createLogger({ level: "info", file: ${JSON.stringify(path.join(dir, "c.log"))},
        maxSize: "10m", maxFiles: 3, label: "test", retryMs: 300 });
      let i = 0;
      const timer = setInterval(() => {
        logger.info("line " + i + " " + "x".repeat(i++ < 300 ? 2000 : 200));
        if (i === 300) rmSync(${JSON.stringify(filler)});
        if (i === 600) { clearInterval(timer); logger.info("last line"); setTimeout(() => process.exit(0), 300); }
      }, 5);`;
    writeFileSync(filler, Buffer.alloc(300 * 1024));
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const kill = setTimeout(() => child.kill("SIGKILL"), 20_000);
      child.on("exit", (exitCode) => {
        clearTimeout(kill);
        resolve(exitCode);
      });
    });
    expect(stderr).not.toContain("Unhandled 'error' event");
    expect(code).toBe(0);
    const warnings = stderr.split("\n").filter((line) => line.includes("cannot write the log file"));
    expect(
      warnings,
      stderr
        .split("\n")
        .filter((l) => !l.includes(" line "))
        .join("\n"),
    ).toHaveLength(1);
    expect(warnings[0]).toContain("no space left on device");
    // every line reached the console, also while the file could not take them
    expect(stderr).toContain("line 299 ");
    expect(stderr).toContain("last line");
    const files = readdirSync(dir).filter((name) => name.startsWith("c-") && name.endsWith(".log"));
    const written = files.map((name) => readFileSync(path.join(dir, name), "utf8")).join("");
    expect(written).toContain("is written again");
    expect(written).toContain('"message":"last line"');
  });
});
