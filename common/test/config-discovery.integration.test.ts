/**
 * Where the three built programs find their config, what they say about it, and the titles
 * `ps` shows. $HOSTWATCH_CONFIG_ROOT stands in for / so that the test never reads the real /etc.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callAgent } from "../../agent/test/xmlrpc-call.js";
import { programMain, REPO_ROOT, runProgram, startProgram, type RunningProgram } from "./run-program.js";

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "hostwatch-discovery-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A fresh working directory and a fresh stand-in for /, both empty. */
function places(): { cwd: string; root: string; env: Record<string, string> } {
  const cwd = mkdtempSync(path.join(work, "cwd-"));
  const root = mkdtempSync(path.join(work, "root-"));
  return { cwd, root, env: { HOSTWATCH_CONFIG_ROOT: root } };
}

function writeJson(file: string, value: object): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value));
  return file;
}

const collectorConfig = (dir: string) => ({
  agents: [{ name: "server-01", host: "127.0.0.1", port: 1 }],
  state_dir: path.join(dir, "state"),
  storage: { type: "file", dir: path.join(dir, "data") },
});

/** The process's command line as `ps` shows it: /proc/PID/cmdline, NULs as spaces, trailing ones dropped. */
function cmdline(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, "latin1").replace(/\0+$/, "").replace(/\0/g, " ");
}

async function titleOf(program: RunningProgram, expected: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let seen = "";
  while (Date.now() < deadline && program.child.exitCode === null) {
    seen = cmdline(program.pid);
    if (seen === expected) return seen;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return seen;
}

describe("the collector's config discovery", () => {
  it("exits 2 without a config, naming every place it looked and the example to copy", async () => {
    const { cwd, root, env } = places();
    const run = await runProgram("collector", [], { cwd, env });
    expect(run.code).toBe(2);
    for (const place of [
      path.join(cwd, "config/collector.json"),
      path.join(root, "etc/hostwatch/collector.json"),
      path.join(cwd, "config/collector_config.json"),
      path.join(root, "etc/monitor/collector_config.json"),
    ])
      expect(run.stderr).toContain(place);
    expect(run.stderr).toContain(`copy ${path.join(REPO_ROOT, "config/collector.example.json")} `);
  });

  it.each([
    ["config/collector.json", "cwd"],
    ["etc/hostwatch/collector.json", "root"],
    ["config/collector_config.json", "cwd"],
    ["etc/monitor/collector_config.json", "root"],
  ])("finds %s with no arguments", async (relative, base) => {
    const { cwd, root, env } = places();
    const file = writeJson(path.join(base === "cwd" ? cwd : root, relative), collectorConfig(cwd));
    const run = await runProgram("collector", ["--check-config"], { cwd, env });
    expect(run.stdout).toContain(`${file}: config OK (1 agent, file storage)`);
    expect(run.code).toBe(0);
  });

  it("takes $HOSTWATCH_CONFIG before the places, and does not fall back when it is missing", async () => {
    const { cwd, env } = places();
    writeJson(path.join(cwd, "config/collector.json"), collectorConfig(cwd));
    const chosen = writeJson(path.join(cwd, "chosen.json"), collectorConfig(cwd));
    const run = await runProgram("collector", ["--check-config"], {
      cwd,
      env: { ...env, HOSTWATCH_CONFIG: chosen },
    });
    expect(run.stdout).toContain(`${chosen}: config OK`);
    const missing = await runProgram("collector", ["--check-config"], {
      cwd,
      env: { ...env, HOSTWATCH_CONFIG: path.join(cwd, "missing.json") },
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`cannot read config file ${path.join(cwd, "missing.json")}`);
  });

  it("names every unknown option with a near miss, and exits 2", async () => {
    const run = await runProgram("collector", ["--check-confg", "--onse", "--colour", "red"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--check-confg: unknown option (did you mean --check-config?)");
    expect(run.stderr).toContain("--onse: unknown option (did you mean --once?)");
    expect(run.stderr).toContain("--colour: unknown option\n");
  });
});

describe("the agent's config discovery", () => {
  it("runs on the defaults without a config, and says where it looked", async () => {
    const { cwd, root, env } = places();
    const agent = startProgram("agent", ["--host", "127.0.0.1", "--port", "0"], { cwd, env });
    try {
      const [, port] = await agent.waitFor(/listening on http:\/\/127\.0\.0\.1:(\d+)\//);
      expect(await callAgent(Number(port), "ping")).toBe("pong");
      expect(agent.output()).toContain(
        `no config file (looked in ${path.join(cwd, "config/agent.json")}, ${path.join(root, "etc/hostwatch/agent.json")}, ` +
          `${path.join(cwd, "config/agent_config.json")}, ${path.join(root, "etc/monitor/agent_config.json")}): running on the defaults ` +
          `(${path.join(REPO_ROOT, "config/agent.example.json")} lists them)`,
      );
    } finally {
      expect(await agent.stop()).toBe(0);
    }
  });

  it("finds the Python agent's /etc/monitor/agent_config.json", async () => {
    const { cwd, root, env } = places();
    const file = writeJson(path.join(root, "etc/monitor/agent_config.json"), {
      port: 8000,
      log_level: "INFO",
    });
    const run = await runProgram("agent", ["--check-config"], { cwd, env });
    expect(run.stdout).toContain(`${file}: config OK`);
    expect(run.code).toBe(0);
  });

  it("names every unknown key of a config at once, with near misses", async () => {
    const { cwd, env } = places();
    const file = writeJson(path.join(cwd, "config/agent.json"), { check_intervall: 5, securty: {}, prot: 1 });
    const run = await runProgram("agent", ["--check-config"], { cwd, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`check_intervall: unknown key (did you mean "check_interval"?)`);
    expect(run.stderr).toContain(`securty: unknown key (did you mean "security"?)`);
    expect(run.stderr).toContain(`prot: unknown key (did you mean "port"?)`);
    expect(file).toBeTruthy();
  });
});

describe("the visualizer's config discovery", () => {
  it("run from / without a config, refuses to guess: exit 2, the places named, no dashboard", async () => {
    const { root, env } = places();
    const tmp = mkdtempSync(path.join(work, "tmp-"));
    const run = await runProgram("visualize", ["--plot", "all", "--hours", "24"], {
      cwd: "/",
      env: { ...env, TMPDIR: tmp },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `/config/collector.json, ${path.join(root, "etc/hostwatch/collector.json")}`,
    );
    expect(run.stderr).toContain(path.join(root, "etc/monitor/collector_config.json"));
    expect(run.stderr).toContain(
      `copy ${path.join(REPO_ROOT, "config/collector.example.json")} to one of these`,
    );
    expect(run.stderr).toContain(
      "pass --storage file to read the collector's default file store here, /var/data",
    );
    expect(existsSync(path.join(tmp, "dashboard"))).toBe(false);
  });

  it("reads the collector's default file store when told to with --storage file, and says so even with --quiet", async () => {
    const { cwd, env } = places();
    const out = path.join(cwd, "out");
    const run = await runProgram("visualize", ["--storage", "file", "--output-dir", out, "--quiet"], {
      cwd,
      env,
    });
    expect(run.stderr).toContain(
      `reading the collector's default file store in ${path.join(cwd, "var/data")}`,
    );
    expect(run.code).toBe(0);
  });

  it("refuses a default output folder that is a symlink (someone else's /tmp/dashboard)", async () => {
    const { cwd, env } = places();
    const tmp = mkdtempSync(path.join(work, "tmp-"));
    symlinkSync(cwd, path.join(tmp, "dashboard"));
    writeJson(path.join(cwd, "config/collector.json"), collectorConfig(cwd));
    const run = await runProgram("visualize", [], { cwd, env: { ...env, TMPDIR: tmp } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`the default output folder ${path.join(tmp, "dashboard")} is a symlink`);
    expect(existsSync(path.join(cwd, "index.html"))).toBe(false);
  });

  it("names every unknown option, and a near miss of --output-dir", async () => {
    const run = await runProgram("visualize", ["--output-dri", "x", "--hour", "3"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--output-dri: unknown option (did you mean --output-dir?)");
    expect(run.stderr).toContain("--hour: unknown option (did you mean --hours?)");
  });
});

describe("process titles", () => {
  it("shows hostwatch-collector and its config file in ps", async () => {
    const { cwd, env } = places();
    const file = writeJson(path.join(cwd, "collector.json"), collectorConfig(cwd));
    const collector = startProgram("collector", ["--config", file], { cwd, env });
    try {
      await collector.waitFor(/polling \d+ agent/);
      expect(await titleOf(collector, `hostwatch-collector ${file}`)).toBe(`hostwatch-collector ${file}`);
      expect(readFileSync(`/proc/${collector.pid}/comm`, "utf8").trim()).toBe("hostwatch-colle");
    } finally {
      await collector.stop();
    }
  });

  it("shows hostwatch-agent and the config it found, started as its own script", async () => {
    const { cwd, env } = places();
    const file = writeJson(path.join(cwd, "config/agent.json"), { log_level: "INFO" });
    const agent = startProgram("agent", ["--host", "127.0.0.1", "--port", "0"], {
      cwd,
      env,
      command: [programMain("agent")],
    });
    try {
      await agent.waitFor(/listening on/);
      expect(cmdline(agent.pid)).toBe(`hostwatch-agent ${file}`);
      expect(readFileSync(`/proc/${agent.pid}/comm`, "utf8").trim()).toBe("hostwatch-agent");
    } finally {
      expect(await agent.stop()).toBe(0);
    }
  });

  it("shows hostwatch-visualize and its config while it draws", async () => {
    const { cwd, env } = places();
    const file = writeJson(path.join(cwd, "collector.json"), collectorConfig(cwd));
    const visualize = startProgram("visualize", ["--config", file, "--output-dir", path.join(cwd, "out")], {
      cwd,
      env,
    });
    try {
      expect(await titleOf(visualize, `hostwatch-visualize ${file}`)).toBe(`hostwatch-visualize ${file}`);
    } finally {
      await visualize.stop();
    }
  });

  // the title is written over the process's arguments, so `node <link>` bounds its length
  it.each([
    // `node hostwatch-agent-by-hand`: 28 bytes, room for "hostwatch-agent agent.json" (26)
    [
      "leaves out the config's folder when the whole path would not fit",
      "hostwatch-agent-by-hand",
      "hostwatch-agent agent.json",
    ],
    // `node a`: 6 bytes of arguments to write the title over
    ["is cut to the length of a very short command line, as Linux allows no more", "a", "hostwa"],
  ])("%s", async (_what, link, title) => {
    const { cwd, env } = places();
    writeJson(path.join(cwd, "config/agent.json"), { host: "127.0.0.1", port: 0 });
    symlinkSync(programMain("agent"), path.join(cwd, link));
    const agent = startProgram("agent", [], { cwd, env, command: ["node", link] });
    try {
      await agent.waitFor(/listening on/);
      expect(cmdline(agent.pid)).toBe(title);
    } finally {
      expect(await agent.stop()).toBe(0);
    }
  });
});
