/**
 * The Python XML-RPC monitoring system's documented configs and commands, run through the built
 * programs as its users would run them (fixtures/python-system/README.md says where each comes
 * from). Nothing here is edited to suit hostwatch, except where a test must not write outside
 * its folder (the agent's /var/log log file) or reach another host.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callAgent } from "../../agent/test/xmlrpc-call.js";
import { writeToFileStore } from "../../visualize/src/demo/synthetic-file-store.js";
import { SyntheticHistory } from "../../visualize/src/demo/synthetic-history.js";
import { runProgram, startProgram } from "./run-program.js";

const FIXTURES = path.join(path.dirname(new URL(import.meta.url).pathname), "fixtures/python-system");
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(FIXTURES, name), "utf8")) as Record<string, unknown>;

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "hostwatch-python-system-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A config the Python documentation tells its users to make: a fixture with fragments put in. */
function writeConfig(name: string, config: object): string {
  const file = path.join(work, name);
  writeFileSync(file, JSON.stringify(config, null, 4));
  return file;
}

const checkConfig = (program: "agent" | "collector", file: string) =>
  runProgram(program, ["--config", file, "--check-config"], { cwd: work });

describe("the Python system's agent configs", () => {
  it("takes agent_config.json as it is", async () => {
    const run = await checkConfig("agent", path.join(FIXTURES, "agent_config.json"));
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("agent_config.json: config OK");
    expect(run.code).toBe(0);
  });

  it("serves ping on loopback from agent_config.json (port 0 on the command line)", async () => {
    const dir = mkdtempSync(path.join(work, "agent-"));
    // its log file would be /var/log/monitor_agent.log: a test writes only in its own folder
    const config = writeConfig("agent-run.json", {
      ...fixture("agent_config.json"),
      log_file: path.join(dir, "agent.log"),
    });
    const agent = startProgram("agent", ["--config", config, "--host", "127.0.0.1", "--port", "0"], {
      cwd: dir,
    });
    try {
      const [, port] = await agent.waitFor(/listening on http:\/\/127\.0\.0\.1:(\d+)\//);
      expect(await callAgent(Number(port), "ping")).toBe("pong");
      expect(agent.output()).toContain(`loaded config ${config} (from --config)`);
    } finally {
      expect(await agent.stop()).toBe(0);
    }
  });

  it("reads IP whitelisting's require_auth without a token as 'enforce the allowlist', with one warning", async () => {
    const config = writeConfig("agent-whitelist.json", {
      ...fixture("agent_config.json"),
      ...fixture("security-ip-whitelisting.json"),
      log_file: null,
    });
    const check = await checkConfig("agent", config);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/warning: security\.require_auth is true but no token is set/);

    const dir = mkdtempSync(path.join(work, "agent-"));
    const agent = startProgram("agent", ["--config", config, "--host", "127.0.0.1", "--port", "0"], {
      cwd: dir,
    });
    try {
      const [, port] = await agent.waitFor(
        /listening on http:\/\/127\.0\.0\.1:(\d+)\/ \(allowed: 192\.168\.1\.10, 192\.168\.1\.20; auth off\)/,
      );
      // 127.0.0.1 is not on the list: refused, as the Python agent's allowlist would
      await expect(callAgent(Number(port), "ping")).rejects.toThrow();
      await agent.waitFor(/refused connection from/);
      // one warning, at start, that says what the token is for (the refused connection is another)
      const warnings = agent
        .output()
        .split("\n")
        .filter((line) => line.includes("require_auth"));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/ warn: .*only security\.allowed_ips is enforced.*set security\.token/);
    } finally {
      expect(await agent.stop()).toBe(0);
    }
  });
});

describe("the Python system's collector configs", () => {
  it("takes collector_config.json as it is: 10MB rotation, thresholds, file storage", async () => {
    const run = await checkConfig("collector", path.join(FIXTURES, "collector_config.json"));
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("collector_config.json: config OK (2 agents, file storage)");
    expect(run.code).toBe(0);
  });

  it("takes the three-agent config of 'Adding Multiple Monitored Systems'", async () => {
    const run = await checkConfig("collector", path.join(FIXTURES, "collector_config.new-server.json"));
    expect(run.stdout).toContain("config OK (3 agents, file storage)");
    expect(run.code).toBe(0);
  });

  it.each([
    ["storage-mysql.json", "mysql"],
    ["storage-mysql-setup.json", "mysql"],
    ["storage-file.json", "file"],
  ])("takes its storage example %s put into collector_config.json", async (name, type) => {
    const config = writeConfig(`collector-${name}`, {
      ...fixture("collector_config.json"),
      ...fixture(name),
    });
    const run = await checkConfig("collector", config);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain(`config OK (2 agents, ${type} storage)`);
    expect(run.code).toBe(0);
  });

  it("takes its performance tuning (poll_interval 60, log_level WARNING, max_workers 5)", async () => {
    const tuning = fixture("performance-tuning.json");
    const collector = writeConfig("collector-tuned.json", { ...fixture("collector_config.json"), ...tuning });
    expect((await checkConfig("collector", collector)).code).toBe(0);
    const agent = writeConfig("agent-tuned.json", {
      ...fixture("agent_config.json"),
      log_level: tuning.log_level,
    });
    expect((await checkConfig("agent", agent)).code).toBe(0);
  });

  it("clamps a timeout above poll_interval with a warning rather than refuse it", async () => {
    const config = writeConfig("collector-fast.json", {
      ...fixture("collector_config.json"),
      poll_interval: 5,
    });
    const run = await checkConfig("collector", config);
    expect(run.stdout).toContain(
      "warning: timeout: 10 s is longer than poll_interval (5 s); polls time out after 4.75 s",
    );
    expect(run.code).toBe(0);
  });

  it.each(["INFO", "WARNING", "Debug", "warning", "ERROR", "CRITICAL"])(
    "takes log_level %j in the agent and the collector",
    async (level) => {
      const agent = writeConfig(`agent-${level}.json`, { ...fixture("agent_config.json"), log_level: level });
      const collector = writeConfig(`collector-${level}.json`, {
        ...fixture("collector_config.json"),
        log_level: level,
      });
      const [a, c] = await Promise.all([checkConfig("agent", agent), checkConfig("collector", collector)]);
      expect([a.code, a.stderr, c.code, c.stderr]).toEqual([0, "", 0, ""]);
    },
  );
});

describe("the Python system's visualizer commands", () => {
  const HOUR = 3_600_000;
  let cwd: string;

  beforeAll(async () => {
    // a collector that has run for two days, its config where the collector finds it
    cwd = mkdtempSync(path.join(work, "visualize-"));
    const now = Date.now();
    const history = new SyntheticHistory({
      agents: 2,
      from: now - 48 * HOUR,
      to: now,
      intervalMs: 10 * 60_000,
      prefix: "server",
    });
    const dataDir = path.join(cwd, "var/data");
    await writeToFileStore(history, dataDir);
    mkdirSync(path.join(cwd, "config"));
    writeFileSync(
      path.join(cwd, "config/collector.json"),
      JSON.stringify({
        ...fixture("collector_config.json"),
        state_dir: path.join(cwd, "state"),
        storage: { type: "file", dir: dataDir },
      }),
    );
  });

  /** The command as the Python docs give it, in a fresh $TMPDIR (the default output folder's parent). */
  async function visualize(args: string[]) {
    const tmp = mkdtempSync(path.join(work, "tmp-"));
    const run = await runProgram("visualize", args, {
      cwd,
      env: { TMPDIR: tmp, HOSTWATCH_CONFIG_ROOT: work },
    });
    return { ...run, dashboard: path.join(tmp, "dashboard") };
  }

  it("--plot all --hours 24 writes the dashboard into $TMPDIR/dashboard and says so", async () => {
    const run = await visualize(["--plot", "all", "--hours", "24"]);
    expect(run.stderr).toContain(`writing to ${run.dashboard} (the default`);
    expect(run.stderr).toContain(`loaded config ${path.join(cwd, "config/collector.json")}`);
    expect(run.stderr).toMatch(/wrote .*index\.html: 2 agents \(2 drawn\)/);
    expect(run.code).toBe(0);
    expect(existsSync(path.join(run.dashboard, "agents/server-01.html"))).toBe(true);
    expect(existsSync(path.join(run.dashboard, "charts/server-02/cpu.png"))).toBe(true);
  });

  it("--plot temperature --hours 12 draws the temperature chart only", async () => {
    const run = await visualize(["--plot", "temperature", "--hours", "12"]);
    expect(run.code).toBe(0);
    expect(existsSync(path.join(run.dashboard, "charts/server-01/temperature.png"))).toBe(true);
    expect(existsSync(path.join(run.dashboard, "charts/server-01/cpu.png"))).toBe(false);
  });

  it("--plot cpu --agent server-01 draws that agent only", async () => {
    const run = await visualize(["--plot", "cpu", "--agent", "server-01"]);
    expect(run.stderr).toMatch(/wrote .*index\.html: 1 agents? \(1 drawn\)/);
    expect(run.code).toBe(0);
    expect(existsSync(path.join(run.dashboard, "charts/server-01/cpu.png"))).toBe(true);
    expect(existsSync(path.join(run.dashboard, "agents/server-02.html"))).toBe(false);
  });

  it("--output-dir /var/www/dashboard --hours 48 --plot all writes where it is told", async () => {
    const out = path.join(work, "var/www/dashboard");
    const run = await visualize(["--output-dir", out, "--hours", "48", "--plot", "all"]);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain("writing to");
    expect(existsSync(path.join(out, "index.html"))).toBe(true);
    expect(existsSync(run.dashboard)).toBe(false);
  });
});
