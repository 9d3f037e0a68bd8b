import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../../common/src/config/config-error.js";
import { readAgentsFiles, watchAgentsFiles } from "./agents-files.js";
import { parseCollectorConfig } from "./load-config.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folder(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "hostwatch-agents-d-"));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), typeof content === "string" ? content : JSON.stringify(content));
  }
  return dir;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("agents_files", () => {
  it("reads one agent or a list per file, in file name order, and merges them after agents", () => {
    const dir = folder({
      "b.json": [
        { name: "db-01", host: "10.0.0.5" },
        { name: "db-02", host: "10.0.0.6", port: 8001 },
      ],
      "a.json": { name: "web-01", host: "10.0.0.4" },
      "notes.txt": "not matched",
    });
    const config = parseCollectorConfig({
      agents: [{ name: "local", host: "127.0.0.1" }],
      agents_files: [path.join(dir, "*.json")],
    });
    expect(config.agents.map((a) => [a.name, a.url])).toEqual([
      ["local", "http://127.0.0.1:8000/RPC2"],
      ["web-01", "http://10.0.0.4:8000/RPC2"],
      ["db-01", "http://10.0.0.5:8000/RPC2"],
      ["db-02", "http://10.0.0.6:8001/RPC2"],
    ]);
  });

  it("names the file and index of every problem, and a name given twice in both places", () => {
    const dir = folder({
      "a.json": [
        { name: "web-01", host: "h" },
        { host: "h", prot: 1 },
      ],
      "b.json": { name: "local", host: "h", port: 70000 },
      "c.json": '[{"name": "half", "ho',
      "d.json": "42",
    });
    const { problems, agents } = readAgentsFiles([path.join(dir, "*.json")], dir, ["local"]);
    expect(agents.map((a) => a.agent.name)).toEqual(["web-01"]);
    const a = path.join(dir, "a.json");
    const b = path.join(dir, "b.json");
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${a}\\[1\\]\\.name: `)),
        expect.stringMatching(new RegExp(`^${a}\\[1\\]\\.prot: unknown key`)),
        expect.stringMatching(new RegExp(`^${b}\\[0\\]\\.port: `)),
        expect.stringMatching(new RegExp(`^${path.join(dir, "c.json")}:1:\\d+: not valid JSON`)),
        `${path.join(dir, "d.json")}: expected one agent object or a list of them`,
      ]),
    );
    // b.json's agent is invalid, so its name is not checked; a valid duplicate is:
    const dup = folder({ "x.json": { name: "local", host: "h" } });
    expect(readAgentsFiles([path.join(dup, "*.json")], dup, ["local"]).problems).toEqual([
      `${path.join(dup, "x.json")}[0].name: "local" is already used by agents[0]`,
    ]);
  });

  it("refuses the whole config when a file has a problem, and allows an empty agents list with agents_files", () => {
    const dir = folder({ "a.json": "{" });
    expect(() => parseCollectorConfig({ agents_files: [path.join(dir, "*.json")] })).toThrow(ConfigError);
    const empty = folder({});
    expect(parseCollectorConfig({ agents_files: [path.join(empty, "*.json")] }).agents).toEqual([]);
    expect(() => parseCollectorConfig({})).toThrow(/agents: list at least one agent/);
    // relative patterns are from the base folder, and the parsed config holds them absolute
    const relative = parseCollectorConfig({ agents_files: ["agents.d/*.json"] }, empty);
    expect(relative.agents_files).toEqual([path.join(empty, "agents.d/*.json")]);
  });

  it("calls back once, debounced, when files change in a watched folder, also one made below a ** pattern", async () => {
    const dir = folder({ "deep/a.json": [] });
    let changes = 0;
    const problems: string[] = [];
    const watch = watchAgentsFiles(
      [path.join(dir, "*.json"), path.join(dir, "**/*.json"), path.join(dir, "missing/*.json")],
      () => changes++,
      (m) => problems.push(m),
      100,
    );
    try {
      expect(problems).toHaveLength(1);
      expect(watch.complete).toBe(false);
      expect(problems[0]).toMatch(/cannot watch .*missing.*read at SIGHUP/);
      for (let i = 0; i < 5; i++) writeFileSync(path.join(dir, `h${i}.json`), "{}");
      await sleep(400);
      expect(changes).toBe(1);
      writeFileSync(path.join(dir, "deep", "b.json"), "{}");
      await sleep(400);
      expect(changes).toBe(2);
    } finally {
      watch.close();
    }
    writeFileSync(path.join(dir, "after.json"), "{}");
    await sleep(300);
    expect(changes).toBe(2);
  });
});
