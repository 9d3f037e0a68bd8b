import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../agent/test/xmlrpc-call.js";
import { REPO_ROOT } from "./run-collector.js";
import { ContainerSystemd } from "./support/container-systemd.js";
import { NspawnMachine } from "./support/nspawn-machine.js";
import { SandboxProbe } from "./support/sandbox-probe.js";

/*
 * The units booted under a real systemd: a minimal Debian tree (systemd/test/rootfs.sh, made once
 * with debootstrap and cached) boots in systemd-nspawn with this machine's node and the build
 * bind-mounted read-only. Inside, as an operator would: systemd/install.sh, systemctl start,
 * the agent answers and the collector stores its samples, the sandbox is in force in the
 * running services, install.sh again (upgrade), the dashboard renders, systemctl reload (good
 * and bad configs), systemctl stop, uninstall, power off. The container has its own network
 * namespace with nothing but a loopback: the agent and the collector talk over it.
 *
 * The steps share one container and run in order; each asserts what it is about.
 */

const ROOTFS_SCRIPT = path.join(REPO_ROOT, "systemd/test/rootfs.sh");
const AGENT = "hostwatch-agent.service";
const COLLECTOR = "hostwatch-collector.service";
const DATA = "/var/lib/hostwatch/data";
const AGENT_PORT = 8000; // the shipped agent.example.json's, inside the container's own network
// What a built checkout holds that install.sh copies (see install_code in systemd/install.sh).
const RELEASE_ITEMS = [
  "package.json",
  "package-lock.json",
  "README.md",
  "LICENSE",
  "dist",
  "config",
  "db",
  "systemd",
];
const STEP_MS = 90_000;
// debootstrap lives in /usr/sbin, which a CI environment's PATH may lack.
const HOST_PATH = [process.env.PATH ?? "", "/usr/local/sbin", "/usr/sbin", "/sbin"].filter(Boolean).join(":");

const collectorConfig = (agents: string[], extra: object = {}) =>
  `${JSON.stringify(
    {
      agents: agents.map((name) => ({ name, host: "127.0.0.1", port: AGENT_PORT })),
      poll_interval: 2,
      timeout: 1,
      storage: { type: "file", dir: DATA },
      ...extra,
    },
    null,
    2,
  )}\n`;

/** Exits 0 and prints the ping result, or prints "error CODE" (refused, reset, timeout). */
const PING_SCRIPT = `
import http from "node:http";
const { encodeCall, decodeMethodResponse } = await import("/opt/hostwatch/dist/common/src/xmlrpc/index.js");
const [port, source] = process.argv.slice(1);
const req = http.request(
  { host: "127.0.0.1", port: Number(port), path: "/RPC2", method: "POST", localAddress: source, timeout: 5000,
    headers: { "content-type": "text/xml" } },
  (res) => {
    let body = "";
    res.setEncoding("utf8");
    res.on("data", (chunk) => (body += chunk));
    res.on("end", () => {
      const answer = decodeMethodResponse(body);
      console.log(answer.kind === "fault" ? "fault " + answer.message : String(answer.value));
    });
  },
);
req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
req.on("error", (error) => console.log("error " + (error.code ?? error.message)));
req.end(encodeCall("ping", []));
`;

interface Figures {
  rootfsS?: number;
  rootfsBuilt?: boolean;
  releaseS?: number;
  bootS?: number;
  stepsStart?: number;
  poweroffS?: number;
}

function seconds(sinceMs: number): number {
  return Math.round((Date.now() - sinceMs) / 100) / 10;
}

function needRoot(): void {
  if (process.getuid?.() !== 0) throw new Error("this test boots a container: it must run as root (CI does)");
}

function hostTool(name: string, aptPackage: string): void {
  const found = spawnSync("sh", ["-c", `command -v ${name}`], {
    encoding: "utf8",
    env: { ...process.env, PATH: HOST_PATH },
  });
  if (found.status !== 0) throw new Error(`${name} is required by this test: apt-get install ${aptPackage}`);
}

/** The build as install.sh takes it, with production dependencies only (as `npm ci --omit=dev`). */
function makeRelease(dir: string): void {
  for (const item of RELEASE_ITEMS) {
    const from = path.join(REPO_ROOT, item);
    if (existsSync(from)) cpSync(from, path.join(dir, item), { recursive: true });
  }
  const npm = spawnSync(
    "npm",
    ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline"],
    {
      cwd: dir,
      encoding: "utf8",
      timeout: 300_000,
    },
  );
  if (npm.status !== 0) throw new Error(`npm ci --omit=dev failed:\n${npm.stdout}${npm.stderr}`);
}

describe("systemd units booted under systemd (systemd-nspawn)", () => {
  const figures: Figures = {};
  let work: string;
  let machine: NspawnMachine | undefined;
  let systemState = "";
  let systemd: ContainerSystemd;
  let probe: SandboxProbe;

  const m = (): NspawnMachine => {
    if (machine === undefined) throw new Error("the container did not boot (see beforeAll)");
    return machine;
  };
  const ping = (source = "127.0.0.1"): string =>
    m()
      .must(["node", "--input-type=module", "-e", PING_SCRIPT, String(AGENT_PORT), source])
      .trim();
  const samples = (agent: string): number => {
    const file = m().run(["cat", `${DATA}/metrics_data.jsonl`]);
    if (file.code !== 0) return 0;
    // The collector may be appending a line right now: count the complete ones.
    return file.stdout
      .split("\n")
      .slice(0, -1)
      .filter((line) => (JSON.parse(line) as { agent: string }).agent === agent).length;
  };
  const idOf = (user: string) => {
    const [uid, gid] = m()
      .must(["sh", "-c", 'echo "$(id -u "$1") $(id -g "$1")"', "sh", user])
      .trim()
      .split(" ");
    return { uid: Number(uid), gid: Number(gid) };
  };
  const READ_ONLY = /Read-only file system/;

  beforeAll(async () => {
    needRoot();
    hostTool("systemd-nspawn", "systemd-container");
    hostTool("debootstrap", "debootstrap");
    hostTool("nsenter", "util-linux");
    work = mkdtempSync(path.join(tmpdir(), "hostwatch-boot-"));

    let started = Date.now();
    const rootfs = spawnSync("bash", [ROOTFS_SCRIPT], {
      encoding: "utf8",
      timeout: 15 * 60_000,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PATH: HOST_PATH },
    });
    if (rootfs.status !== 0) throw new Error(`systemd/test/rootfs.sh failed:\n${rootfs.stderr}`);
    figures.rootfsS = seconds(started);
    figures.rootfsBuilt = /built in/.test(rootfs.stderr);
    const tree = rootfs.stdout.trim();

    started = Date.now();
    const release = path.join(work, "release");
    mkdirSync(release);
    makeRelease(release);
    figures.releaseS = seconds(started);

    started = Date.now();
    machine = await NspawnMachine.boot(`hostwatch-boot-${process.pid}`, {
      rootfs: tree,
      binds: [
        { host: process.execPath, container: "/usr/bin/node" },
        { host: release, container: "/src" },
      ],
      logFile: path.join(work, "nspawn.log"),
      lifetimeS: 20 * 60,
    });
    systemState = await machine.booted(90_000);
    systemd = new ContainerSystemd(machine);
    probe = new SandboxProbe(machine);
    figures.bootS = seconds(started);
    figures.stepsStart = Date.now();
  }, 20 * 60_000);

  afterAll(async () => {
    await machine?.destroy();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
    const steps = figures.stepsStart === undefined ? "-" : seconds(figures.stepsStart);
    console.info(
      `systemd boot test: rootfs ${figures.rootfsS ?? "-"} s (${figures.rootfsBuilt ? "built with debootstrap" : "cached"}), ` +
        `release dir ${figures.releaseS ?? "-"} s, boot ${figures.bootS ?? "-"} s, steps ${steps} s, ` +
        `power-off ${figures.poweroffS ?? "-"} s`,
    );
  }, 60_000);

  it("boots the tree to a running system with systemd as PID 1, in a network namespace of its own", () => {
    expect(systemState, m().log() + m().run(["systemctl", "--failed", "--no-pager"]).stdout).toBe("running");
    expect(m().must(["cat", "/proc/1/comm"]).trim()).toBe("systemd");
    // Only a loopback: nothing the units do can reach a network.
    const interfaces = m()
      .must(["cat", "/proc/net/dev"])
      .split("\n")
      .slice(2)
      .map((line) => line.split(":")[0]?.trim())
      .filter(Boolean);
    expect(interfaces).toEqual(["lo"]);
  });

  it("installs with install.sh --all: users, files, enabled units", () => {
    const install = m().run([
      "bash",
      "/src/systemd/install.sh",
      "--all",
      "--no-npm",
      "--no-start",
      "--source",
      "/src",
    ]);
    expect(install.code, install.stdout + install.stderr).toBe(0);
    for (const user of ["hostwatch-agent", "hostwatch"]) {
      const entry = m().must(["getent", "passwd", user]).trim().split(":");
      expect(entry[6], user).toBe("/usr/sbin/nologin");
    }
    expect(
      m()
        .run(["systemctl", "is-enabled", AGENT, COLLECTOR, "hostwatch-visualize.timer"])
        .stdout.trim()
        .split("\n"),
    ).toEqual(["enabled", "enabled", "enabled"]);
    const owner = (file: string) => m().must(["stat", "-c", "%U:%G %a", file]).trim();
    expect(owner("/etc/hostwatch/agent.json")).toBe("root:hostwatch-agent 640");
    expect(owner("/etc/hostwatch/agent.token")).toBe("root:hostwatch-agent 640");
    expect(owner("/etc/hostwatch/collector.json")).toBe("root:hostwatch 640");
    expect(owner("/var/www/hostwatch")).toBe("hostwatch:www-data 2750");
  });

  it(
    "starts the agent and the collector: the agent answers, the collector stores its samples",
    async () => {
      // The shipped collector example lists TEST-NET hosts: poll the local agent instead.
      m().write("/etc/hostwatch/collector.json", collectorConfig(["local"]));
      const start = m().run(["systemctl", "start", AGENT, COLLECTOR]);
      expect(start.code, start.stderr).toBe(0);
      for (const unit of [AGENT, COLLECTOR]) {
        expect(systemd.show(unit, "ActiveState", "SubState"), unit).toEqual({
          ActiveState: "active",
          SubState: "running",
        });
      }
      expect(await waitFor(async () => (ping() === "pong" ? "pong" : undefined), 30_000, 500)).toBe("pong");
      expect(systemd.journal(AGENT).join("\n")).toContain(`listening on http://0.0.0.0:${AGENT_PORT}/`);
      await waitFor(async () => (samples("local") >= 2 ? true : undefined), 30_000, 500);
    },
    STEP_MS,
  );

  it("runs the agent as hostwatch-agent with only its two capabilities, the collector as hostwatch with none", () => {
    const agent = probe.status(systemd.mainPid(AGENT));
    const agentUser = idOf("hostwatch-agent");
    expect(agent.Uid).toBe(Array(4).fill(agentUser.uid).join("\t"));
    expect(agent.Gid).toBe(Array(4).fill(agentUser.gid).join("\t"));
    // CAP_DAC_READ_SEARCH (bit 2) and CAP_SYS_PTRACE (bit 19), and nothing else, in every set.
    for (const set of ["CapPrm", "CapEff", "CapBnd", "CapAmb"])
      expect(agent[set], set).toBe("0000000000080004");
    expect(agent.NoNewPrivs).toBe("1");
    expect(agent.Seccomp).toBe("2"); // SystemCallFilter: a seccomp filter is installed
    // SupplementaryGroups: adm (auth.log) and systemd-journal (the journalctl fallback).
    const gidOf = (group: string) => m().must(["getent", "group", group]).split(":")[2];
    expect((agent.Groups ?? "").split(/\s+/).sort()).toEqual(
      [String(agentUser.gid), gidOf("adm"), gidOf("systemd-journal")].sort(),
    );

    const collector = probe.status(systemd.mainPid(COLLECTOR));
    const collectorUser = idOf("hostwatch");
    expect(collector.Uid).toBe(Array(4).fill(collectorUser.uid).join("\t"));
    for (const set of ["CapPrm", "CapEff", "CapBnd", "CapAmb"])
      expect(collector[set], set).toBe("0000000000000000");
    expect(collector.NoNewPrivs).toBe("1");
    expect(collector.Seccomp).toBe("2");
  });

  it("keeps the agent from writing anywhere but its state and log directories", () => {
    // A directory the agent's user owns outside its ReadWritePaths: writable for that user
    // outside the sandbox, so a refusal inside is the sandbox's doing, not the permissions'.
    m().must(["install", "-d", "-o", "hostwatch-agent", "-g", "hostwatch-agent", "/srv/agent-owned"]);
    expect(probe.writeAs("hostwatch-agent", "/srv/agent-owned")).toBe("ok");

    const pid = systemd.mainPid(AGENT);
    expect(probe.writeFrom(pid, "/srv/agent-owned")).toMatch(READ_ONLY);
    for (const dir of ["/usr", "/etc", "/opt/hostwatch", "/var/lib", "/home"]) {
      expect(probe.writeFrom(pid, dir), dir).toMatch(READ_ONLY);
    }
    for (const dir of ["/var/lib/hostwatch/agent", "/var/log/hostwatch/agent", "/tmp"]) {
      expect(probe.writeFrom(pid, dir), dir).toBe("ok");
    }
    // It did write its state there: the listener baseline of the security check.
    expect(m().run(["test", "-f", "/var/lib/hostwatch/agent/listeners-baseline.json"]).code).toBe(0);

    // It sees the host's processes, other users' too (no ProtectProc).
    expect(probe.sees(pid, "hostwatch-agent", systemd.mainPid(COLLECTOR))).toBe(true);

    // PrivateTmp: its /tmp is its own.
    m().must(["nsenter", `--target=${pid}`, "--mount", "--", "touch", "/tmp/agent-private"]);
    expect(m().run(["test", "-e", "/tmp/agent-private"]).code).not.toBe(0);
  });

  it("keeps the collector from writing anywhere but its state, data and log directories, and from seeing other users' processes", () => {
    m().must(["install", "-d", "-o", "hostwatch", "-g", "hostwatch", "/srv/collector-owned"]);
    expect(probe.writeAs("hostwatch", "/srv/collector-owned")).toBe("ok");

    const pid = systemd.mainPid(COLLECTOR);
    expect(probe.writeFrom(pid, "/srv/collector-owned")).toMatch(READ_ONLY);
    for (const dir of ["/usr", "/etc", "/opt/hostwatch", "/var/www/hostwatch"]) {
      expect(probe.writeFrom(pid, dir), dir).toMatch(READ_ONLY);
    }
    for (const dir of ["/var/lib/hostwatch/collector", DATA, "/var/log/hostwatch/collector", "/tmp"]) {
      expect(probe.writeFrom(pid, dir), dir).toBe("ok");
    }
    // ProtectProc=invisible: the agent's process does not exist for it, its own does.
    expect(probe.sees(pid, "hostwatch", pid)).toBe(true);
    expect(probe.sees(pid, "hostwatch", systemd.mainPid(AGENT))).toBe(false);
  });

  it(
    "upgrades in place with install.sh run again: configs kept, services restarted, timer started",
    async () => {
      const before = { agent: systemd.mainPid(AGENT), collector: systemd.mainPid(COLLECTOR) };
      const stored = samples("local");
      const install = m().run(["bash", "/src/systemd/install.sh", "--all", "--no-npm", "--source", "/src"], {
        timeoutMs: 120_000,
      });
      expect(install.code, install.stdout + install.stderr).toBe(0);
      expect(install.stdout).toContain("keeping /etc/hostwatch/collector.json");
      expect(m().must(["cat", "/etc/hostwatch/collector.json"])).toBe(collectorConfig(["local"]));
      for (const [unit, pid] of [
        [AGENT, before.agent],
        [COLLECTOR, before.collector],
      ] as const) {
        expect(systemd.show(unit, "ActiveState").ActiveState, unit).toBe("active");
        expect(systemd.mainPid(unit), `${unit} was restarted`).not.toBe(pid);
      }
      expect(m().run(["systemctl", "is-active", "hostwatch-visualize.timer"]).stdout.trim()).toBe("active");
      await waitFor(async () => (samples("local") > stored ? true : undefined), 30_000, 500);
    },
    STEP_MS,
  );

  it(
    "renders the dashboard with hostwatch-visualize.service",
    () => {
      const run = m().run(["systemctl", "start", "hostwatch-visualize.service"], { timeoutMs: 120_000 });
      expect(run.code, run.stderr + systemd.journal("hostwatch-visualize.service").join("\n")).toBe(0);
      expect(systemd.show("hostwatch-visualize.service", "Result", "ExecMainStatus")).toEqual({
        Result: "success",
        ExecMainStatus: "0",
      });
      expect(m().must(["stat", "-c", "%U:%G", "/var/www/hostwatch/index.html"]).trim()).toBe(
        "hostwatch:www-data",
      );
      expect(m().must(["cat", "/var/www/hostwatch/index.html"])).toContain("local");
    },
    STEP_MS,
  );

  // The reload steps need the programs' SIGHUP handling: without it node exits on SIGHUP.
  it(
    "systemctl reload: the agent applies a changed allowlist without a restart",
    async () => {
      expect(ping("127.0.0.2"), "127.0.0.2 is not in the shipped allowlist").toMatch(/^error /);
      const pid = systemd.mainPid(AGENT);
      const seen = systemd.journal(AGENT).length;
      const config = JSON.parse(m().must(["cat", "/etc/hostwatch/agent.json"])) as {
        security: { allowed_ips: string[] };
      };
      config.security.allowed_ips.push("127.0.0.2");
      m().write("/etc/hostwatch/agent.json", `${JSON.stringify(config, null, 2)}\n`);

      const reload = m().run(["systemctl", "reload", AGENT]);
      expect(reload.code, reload.stderr).toBe(0);
      await systemd.logged(AGENT, seen, "config reloaded");
      expect(systemd.show(AGENT, "ActiveState").ActiveState).toBe("active");
      expect(systemd.mainPid(AGENT)).toBe(pid);
      expect(ping("127.0.0.2")).toBe("pong");
    },
    STEP_MS,
  );

  it(
    "systemctl reload: the collector polls an added agent without a restart",
    async () => {
      const pid = systemd.mainPid(COLLECTOR);
      const seen = systemd.journal(COLLECTOR).length;
      m().write("/etc/hostwatch/collector.json", collectorConfig(["local", "local-2"]));
      const reload = m().run(["systemctl", "reload", COLLECTOR]);
      expect(reload.code, reload.stderr).toBe(0);
      await systemd.logged(COLLECTOR, seen, "config reloaded");
      expect(systemd.show(COLLECTOR, "ActiveState").ActiveState).toBe("active");
      expect(systemd.mainPid(COLLECTOR)).toBe(pid);
      await waitFor(async () => (samples("local-2") >= 1 ? true : undefined), 30_000, 500);
    },
    STEP_MS,
  );

  it(
    "systemctl reload with a bad config: refused, the running config kept",
    async () => {
      const pids = { agent: systemd.mainPid(AGENT), collector: systemd.mainPid(COLLECTOR) };
      const seen = { agent: systemd.journal(AGENT).length, collector: systemd.journal(COLLECTOR).length };
      m().write("/etc/hostwatch/agent.json", '{ "port": 8000, "check_intervall": 5 }\n');
      m().write("/etc/hostwatch/collector.json", collectorConfig(["local"], { poll_interval: -1 }));
      for (const unit of [AGENT, COLLECTOR]) {
        const reload = m().run(["systemctl", "reload", unit]);
        expect(reload.code, `${unit}: ${reload.stderr}`).toBe(0);
      }
      await systemd.logged(AGENT, seen.agent, "config reload refused");
      await systemd.logged(COLLECTOR, seen.collector, "config reload refused");
      expect(systemd.show(AGENT, "ActiveState").ActiveState).toBe("active");
      expect(systemd.show(COLLECTOR, "ActiveState").ActiveState).toBe("active");
      expect(systemd.mainPid(AGENT)).toBe(pids.agent);
      expect(systemd.mainPid(COLLECTOR)).toBe(pids.collector);
      // The old configs still run: 127.0.0.2 is still let in, local-2 still polled.
      expect(ping("127.0.0.2")).toBe("pong");
      const stored = samples("local-2");
      await waitFor(async () => (samples("local-2") > stored ? true : undefined), 30_000, 500);
    },
    STEP_MS,
  );

  it(
    "systemctl stop stops both cleanly",
    async () => {
      // Good configs on disk and the services running (a no-op if they are, as they should be
      // after the steps above): this step is about the stop, whatever the reload steps left.
      m().must(["cp", "/opt/hostwatch/config/agent.example.json", "/etc/hostwatch/agent.json"]);
      m().write("/etc/hostwatch/collector.json", collectorConfig(["local"]));
      m().must(["systemctl", "start", AGENT, COLLECTOR]);
      await waitFor(async () => (ping() === "pong" ? true : undefined), 30_000, 500);
      const seen: Record<string, number> = {
        [AGENT]: systemd.journal(AGENT).length,
        [COLLECTOR]: systemd.journal(COLLECTOR).length,
      };
      const stop = m().run(["systemctl", "stop", AGENT, COLLECTOR], { timeoutMs: 60_000 });
      expect(stop.code, stop.stderr).toBe(0);
      for (const unit of [AGENT, COLLECTOR]) {
        expect(systemd.show(unit, "ActiveState", "Result", "ExecMainCode", "ExecMainStatus"), unit).toEqual({
          ActiveState: "inactive",
          Result: "success",
          ExecMainCode: "1", // CLD_EXITED: it exited by itself, not killed by a signal
          ExecMainStatus: "0",
        });
        const lines = systemd.journal(unit).slice(seen[unit] ?? 0);
        const text = lines.join("\n");
        expect(text, unit).toMatch(/SIGTERM received: stopping/);
        expect(
          lines.some((line) => line.endsWith(" info: stopped")),
          `${unit}:\n${text}`,
        ).toBe(true);
        expect(text, unit).toContain(`${unit}: Deactivated successfully.`);
        expect(text, unit).not.toMatch(/Failed with result|Killing process|code=killed|status=[1-9]/);
      }
    },
    STEP_MS,
  );

  it("uninstalls with install.sh --uninstall --purge: no unit, user or file left", () => {
    const run = m().run(["bash", "/src/systemd/install.sh", "--uninstall", "--purge"], { timeoutMs: 60_000 });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(m().run(["getent", "passwd", "hostwatch-agent"]).code).not.toBe(0);
    expect(m().run(["getent", "passwd", "hostwatch"]).code).not.toBe(0);
    expect(m().run(["systemctl", "list-unit-files", "--no-legend", "hostwatch*"]).stdout.trim()).toBe("");
    for (const gone of [
      "/opt/hostwatch",
      "/etc/hostwatch",
      "/var/lib/hostwatch",
      "/var/log/hostwatch",
      "/var/www/hostwatch",
    ]) {
      expect(m().run(["test", "-e", gone]).code, gone).not.toBe(0);
    }
  });

  it(
    "powers the container off cleanly",
    async () => {
      const started = Date.now();
      m().run(["systemctl", "poweroff"]);
      expect(await m().waitExit(60_000), m().log()).toBe(0);
      figures.poweroffS = seconds(started);
    },
    STEP_MS,
  );
});
