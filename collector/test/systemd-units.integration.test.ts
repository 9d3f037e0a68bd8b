import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./run-collector.js";

/*
 * The systemd units and systemd/install.sh: `systemd-analyze verify` on the units as install.sh
 * stages them, the hardening every unit must keep, the agent's node flags, and install.sh run twice
 * into a staging root (idempotent), then --uninstall and --purge. Nothing here needs root or a
 * running systemd: install.sh --root writes below a temp dir and only prints useradd/systemctl.
 */

const SYSTEMD_DIR = path.join(REPO_ROOT, "systemd");
const INSTALL = path.join(SYSTEMD_DIR, "install.sh");
const SERVICES = ["hostwatch-agent.service", "hostwatch-collector.service", "hostwatch-visualize.service"];
const TIMER = "hostwatch-visualize.timer";
const UNITS = [...SERVICES, TIMER];

function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/bin", "/bin", "/usr/sbin"];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      if (dir !== "" && (statSync(candidate).mode & 0o111) !== 0) return candidate;
    } catch {
      // not there
    }
  }
  return undefined;
}

const SYSTEMD_ANALYZE = findExecutable("systemd-analyze");
const SHELLCHECK = findExecutable("shellcheck");
/** A test prerequisite (.ci/run installs them): its absence fails the test that needs it. */
function required(tool: string | undefined, name: string, aptPackage: string): string {
  if (tool === undefined) throw new Error(`${name} is required by this test: apt-get install ${aptPackage}`);
  return tool;
}

// --- unit files -------------------------------------------------------------------------------

interface Entry {
  key: string;
  value: string;
}
type Unit = Map<string, Entry[]>;

/** Sections with their key=value entries in order; comments dropped, continuation lines joined. */
function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let entries: Entry[] | undefined;
  for (const raw of text.replace(/\\\n/g, " ").split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section !== null) {
      entries = [];
      unit.set(section[1] ?? "", entries);
      continue;
    }
    const eq = line.indexOf("=");
    if (entries === undefined || eq < 0) throw new Error(`not a unit-file line: ${line}`);
    entries.push({ key: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim() });
  }
  return unit;
}

function readUnit(name: string): Unit {
  return parseUnit(readFileSync(path.join(SYSTEMD_DIR, name), "utf8"));
}

/** Every value of KEY in SECTION, in order (an empty assignment is ""). */
function all(unit: Unit, section: string, key: string): string[] {
  return (unit.get(section) ?? []).filter((e) => e.key === key).map((e) => e.value);
}

/** The effective value of a single-valued KEY (the last assignment wins), or undefined. */
function last(unit: Unit, section: string, key: string): string | undefined {
  return all(unit, section, key).at(-1);
}

/** The words of a list-valued KEY after systemd's rules: an empty assignment resets the list. */
function words(unit: Unit, section: string, key: string): string[] {
  let list: string[] = [];
  for (const value of all(unit, section, key)) list = value === "" ? [] : [...list, ...value.split(/\s+/)];
  return list;
}

const COMMON_HARDENING: Record<string, string> = {
  NoNewPrivileges: "yes",
  ProtectSystem: "strict",
  PrivateTmp: "yes",
  PrivateDevices: "yes",
  ProtectKernelTunables: "yes",
  ProtectKernelModules: "yes",
  ProtectKernelLogs: "yes",
  ProtectControlGroups: "yes",
  ProtectClock: "yes",
  ProtectHostname: "yes",
  RestrictNamespaces: "yes",
  RestrictRealtime: "yes",
  RestrictSUIDSGID: "yes",
  LockPersonality: "yes",
  SystemCallArchitectures: "native",
  UMask: "0027",
  // V8's JIT needs W+X memory: MemoryDenyWriteExecute=yes would kill node at start.
  MemoryDenyWriteExecute: "no",
};

describe("systemd units: hardening", () => {
  it.each(SERVICES)("%s keeps every common hardening directive", (name) => {
    const unit = readUnit(name);
    for (const [key, value] of Object.entries(COMMON_HARDENING)) {
      expect(last(unit, "Service", key), `${name}: ${key}`).toBe(value);
    }
    expect(all(unit, "Service", "SystemCallFilter")[0], `${name}: SystemCallFilter`).toBe("@system-service");
    expect(new Set(words(unit, "Service", "RestrictAddressFamilies"))).toEqual(
      new Set(["AF_INET", "AF_INET6", "AF_UNIX"]),
    );
    expect(last(unit, "Service", "PrivateNetwork") ?? "no", `${name}: PrivateNetwork`).toBe("no");
  });

  it.each(SERVICES)("%s writes only below its state, log or web directories", (name) => {
    const unit = readUnit(name);
    const writable = words(unit, "Service", "ReadWritePaths");
    expect(writable.length).toBeGreaterThan(0);
    for (const dir of writable) {
      expect(dir, `${name}: ReadWritePaths`).toMatch(
        /^-?\/var\/(lib\/hostwatch\/[a-z]+|log\/hostwatch\/[a-z]+|www\/hostwatch)$/,
      );
    }
    for (const key of ["StateDirectory", "LogsDirectory"]) {
      for (const dir of words(unit, "Service", key)) {
        expect(dir, `${name}: ${key}`).toMatch(/^hostwatch\/[a-z]+$/);
        const absolute = `/var/${key === "StateDirectory" ? "lib" : "log"}/${dir}`;
        expect(writable, `${name}: ${key} ${dir} should be in ReadWritePaths`).toContain(absolute);
      }
    }
  });

  it("runs the agent as hostwatch-agent with exactly the two capabilities it needs, seeing the host", () => {
    const unit = readUnit("hostwatch-agent.service");
    expect(last(unit, "Service", "User")).toBe("hostwatch-agent");
    expect(new Set(words(unit, "Service", "SupplementaryGroups"))).toEqual(
      new Set(["adm", "systemd-journal"]),
    );
    const caps = new Set(["CAP_DAC_READ_SEARCH", "CAP_SYS_PTRACE"]);
    expect(new Set(words(unit, "Service", "AmbientCapabilities"))).toEqual(caps);
    expect(new Set(words(unit, "Service", "CapabilityBoundingSet"))).toEqual(caps);
    // /home stays mounted (disk usage of a /home filesystem), read-only.
    expect(last(unit, "Service", "ProtectHome")).toBe("read-only");
    // It must see every process and the host's /proc/net.
    expect(last(unit, "Service", "ProtectProc") ?? "default").toBe("default");
    expect(last(unit, "Service", "ProcSubset") ?? "all").toBe("all");
    expect(last(unit, "Service", "PrivateUsers") ?? "no").toBe("no");
    expect(words(unit, "Service", "StateDirectory")).toEqual(["hostwatch/agent"]);
    expect(words(unit, "Service", "LogsDirectory")).toEqual(["hostwatch/agent"]);
  });

  it.each(["hostwatch-collector.service", "hostwatch-visualize.service"])(
    "runs %s as hostwatch without any capability",
    (name) => {
      const unit = readUnit(name);
      expect(last(unit, "Service", "User")).toBe("hostwatch");
      expect(all(unit, "Service", "CapabilityBoundingSet")).toEqual([""]);
      expect(words(unit, "Service", "AmbientCapabilities")).toEqual([]);
      expect(words(unit, "Service", "SupplementaryGroups")).toEqual([]);
      expect(last(unit, "Service", "ProtectHome")).toBe("yes");
    },
  );

  it("restarts the long-running services on failure and gives them time to stop", () => {
    for (const name of ["hostwatch-agent.service", "hostwatch-collector.service"]) {
      const unit = readUnit(name);
      expect(last(unit, "Service", "Restart"), name).toBe("on-failure");
      expect(last(unit, "Service", "RestartSec"), name).toMatch(/^\d+s?$/);
      expect(last(unit, "Service", "TimeoutStopSec"), name).toMatch(/^\d+s?$/);
      expect(all(unit, "Install", "WantedBy"), name).toEqual(["multi-user.target"]);
    }
  });

  it("has ExecReload only if the programs handle SIGHUP", () => {
    const sources = ["common/src/process-lifecycle.ts", "agent/src/main.ts", "collector/src/main.ts"]
      .map((file) => readFileSync(path.join(REPO_ROOT, file), "utf8"))
      .join("\n");
    const handlesHup = /["']SIGHUP["']/.test(sources);
    for (const name of ["hostwatch-agent.service", "hostwatch-collector.service"]) {
      expect(all(readUnit(name), "Service", "ExecReload").length > 0, name).toBe(handlesHup);
    }
  });

  it("starts the agent with the node flags of its bin's shebang", () => {
    const shebang = readFileSync(path.join(REPO_ROOT, "agent/src/main.ts"), "utf8").split("\n")[0] ?? "";
    const match = /^#!\/usr\/bin\/env -S node((?:\s+--\S+)*)\s*$/.exec(shebang);
    expect(match, `unexpected shebang: ${shebang}`).not.toBeNull();
    const flags = (match?.[1] ?? "").trim().split(/\s+/).filter(Boolean);
    expect(flags.length).toBeGreaterThan(0);

    const script = "/opt/hostwatch/dist/agent/src/main.js";
    const exec = (last(readUnit("hostwatch-agent.service"), "Service", "ExecStart") ?? "").split(/\s+/);
    if (exec[0] === script) return; // the bin itself: its shebang applies
    expect(exec[0]).toBe("/usr/bin/node");
    expect(exec.slice(1, exec.indexOf(script))).toEqual(flags);
    expect(exec.slice(exec.indexOf(script) + 1)).toEqual(["--config", "/etc/hostwatch/agent.json"]);
  });

  it("starts every program from /opt/hostwatch with the package's bin paths and /etc/hostwatch configs", () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      bin: Record<string, string>;
    };
    const expected: Record<string, string[]> = {
      "hostwatch-agent.service": ["--config", "/etc/hostwatch/agent.json"],
      "hostwatch-collector.service": ["--config", "/etc/hostwatch/collector.json"],
      "hostwatch-visualize.service": [
        "--config",
        "/etc/hostwatch/collector.json",
        "--output-dir",
        "/var/www/hostwatch",
        "--hours",
        "24",
      ],
    };
    for (const name of SERVICES) {
      const exec = (last(readUnit(name), "Service", "ExecStart") ?? "").split(/\s+/);
      const bin = pkg.bin[name.replace(/\.service$/, "")];
      expect(bin, name).toBeDefined();
      const script = `/opt/hostwatch/${bin}`;
      expect(exec[0], name).toBe("/usr/bin/node");
      expect(exec, name).toContain(script);
      expect(exec.slice(exec.indexOf(script) + 1), name).toEqual(expected[name]);
    }
  });

  it("renders the dashboard from a oneshot service every 5 minutes, catching up missed runs", () => {
    const service = readUnit("hostwatch-visualize.service");
    expect(last(service, "Service", "Type")).toBe("oneshot");
    expect(words(service, "Service", "ReadWritePaths")).toEqual(["/var/www/hostwatch"]);
    expect(service.has("Install")).toBe(false);

    const timer = readUnit(TIMER);
    expect(last(timer, "Timer", "OnCalendar")).toBe("*:0/5");
    expect(last(timer, "Timer", "Persistent")).toBe("true");
    const delay = /^(\d+)s?$/.exec(last(timer, "Timer", "RandomizedDelaySec") ?? "");
    expect(delay).not.toBeNull();
    expect(Number(delay?.[1])).toBeGreaterThan(0);
    expect(Number(delay?.[1])).toBeLessThanOrEqual(60);
    expect(last(timer, "Timer", "Unit")).toBe("hostwatch-visualize.service");
    expect(all(timer, "Install", "WantedBy")).toEqual(["timers.target"]);
  });
});

// --- install.sh -------------------------------------------------------------------------------

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function installSh(args: string[]): Run {
  const result = spawnSync("bash", [INSTALL, ...args], {
    encoding: "utf8",
    env: { ...process.env, DESTDIR: "" },
    timeout: 60_000,
  });
  if (result.error !== undefined) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A stand-in for a built checkout: the real package and configs, stub programs. */
function fakeBuild(dir: string): string {
  for (const file of ["package.json", "package-lock.json"]) {
    copyFileSync(path.join(REPO_ROOT, file), path.join(dir, file));
  }
  mkdirSync(path.join(dir, "config"));
  for (const name of ["agent", "collector"]) {
    copyFileSync(
      path.join(REPO_ROOT, `config/${name}.example.json`),
      path.join(dir, `config/${name}.example.json`),
    );
  }
  for (const program of ["agent", "collector", "visualize"]) {
    const main = path.join(dir, `dist/${program}/src/main.js`);
    mkdirSync(path.dirname(main), { recursive: true });
    writeFileSync(main, "#!/usr/bin/env node\n", { mode: 0o644 });
  }
  return dir;
}

/** path → "type mode content-hash" for every entry below root. */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const rel = path.relative(root, full);
      const st = lstatSync(full);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isDirectory()) {
        out.set(rel, `dir ${mode}`);
        walk(full);
      } else if (st.isSymbolicLink()) {
        out.set(rel, `link ${readlinkSync(full)}`);
      } else {
        out.set(rel, `file ${mode} ${createHash("sha256").update(readFileSync(full)).digest("hex")}`);
      }
    }
  };
  walk(root);
  return out;
}

function modeOf(file: string): string {
  return (statSync(file).mode & 0o7777).toString(8);
}

/** A unit without its SupplementaryGroups line (install.sh drops groups a host does not have). */
function withoutGroups(text: string): string {
  return text.replace(/^SupplementaryGroups=.*$/m, "");
}

describe("systemd/install.sh", () => {
  const temps: string[] = [];
  const temp = (prefix: string) => {
    const dir = mkdtempSync(path.join(tmpdir(), prefix));
    temps.push(dir);
    return dir;
  };
  let source: string;
  let root: string;
  let first: Run;
  let second: Run;
  let before: Map<string, string>;
  let after: Map<string, string>;
  const editedConfig = `${JSON.stringify({ port: 8123, security: { allowed_ips: ["10.0.0.5"] } })}\n`;
  const at = (p: string) => path.join(root, p);

  beforeAll(() => {
    source = fakeBuild(temp("hostwatch-src-"));
    root = path.join(temp("hostwatch-root-"), "staged");
    first = installSh(["--all", "--root", root, "--source", source]);
    before = snapshot(root);
    writeFileSync(at("etc/hostwatch/agent.json"), editedConfig);
    second = installSh(["--all", "--root", root, "--source", source]);
    after = snapshot(root);
  });

  afterAll(() => {
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  });

  it("passes bash -n", () => {
    const result = spawnSync("bash", ["-n", INSTALL], { encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
  });

  it("passes shellcheck", () => {
    const shellcheck = required(SHELLCHECK, "shellcheck", "shellcheck");
    const result = spawnSync(shellcheck, [INSTALL, path.join(SYSTEMD_DIR, "test/rootfs.sh")], {
      encoding: "utf8",
    });
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });

  it("prints help, and refuses to guess a role or take unknown options", () => {
    const help = installSh(["--help"]);
    expect(help.code).toBe(0);
    for (const option of ["--agent", "--collector", "--all", "--uninstall", "--purge", "--root", "--dry-run"])
      expect(help.stdout).toContain(option);
    expect(installSh([]).code).toBe(1);
    expect(installSh(["--agent", "--frobnicate"]).code).toBe(1);
    expect(installSh(["--agent", "--purge"]).code).toBe(1);
  });

  it("stages the whole tree under --root with the modes of a real install", () => {
    expect(first.code, first.stderr).toBe(0);
    for (const unit of UNITS) {
      const installed = at(`etc/systemd/system/${unit}`);
      expect(modeOf(installed), unit).toBe("644");
      expect(withoutGroups(readFileSync(installed, "utf8")), unit).toBe(
        withoutGroups(readFileSync(path.join(SYSTEMD_DIR, unit), "utf8")),
      );
    }
    for (const program of ["agent", "collector", "visualize"])
      expect(modeOf(at(`opt/hostwatch/dist/${program}/src/main.js`))).toBe("755");
    expect(existsSync(at("opt/hostwatch/package-lock.json"))).toBe(true);
    expect(existsSync(at("opt/hostwatch/systemd/install.sh"))).toBe(true);
    expect(existsSync(at("opt/hostwatch.new")) || existsSync(at("opt/hostwatch.old"))).toBe(false);

    for (const dir of ["var/lib/hostwatch/agent", "var/lib/hostwatch/collector", "var/lib/hostwatch/data"])
      expect(modeOf(at(dir)), dir).toBe("750");
    for (const dir of ["var/log/hostwatch/agent", "var/log/hostwatch/collector"])
      expect(modeOf(at(dir)), dir).toBe("750");
    expect(modeOf(at("var/www/hostwatch"))).toBe("2750");

    for (const name of ["agent", "collector"]) {
      const config = at(`etc/hostwatch/${name}.json`);
      expect(modeOf(config), name).toBe("640");
    }
    expect(readFileSync(at("etc/hostwatch/collector.json"), "utf8")).toBe(
      readFileSync(path.join(REPO_ROOT, "config/collector.example.json"), "utf8"),
    );
    expect(modeOf(at("etc/hostwatch/agent.token"))).toBe("640");
    expect(readFileSync(at("etc/hostwatch/agent.token"), "utf8").trim()).toMatch(/^[A-Za-z0-9]{40}$/);
  });

  it("prints, instead of running, what changes the system itself", () => {
    const out = first.stdout;
    for (const user of ["hostwatch-agent", "hostwatch"]) {
      expect(out).toMatch(
        new RegExp(`^would run: useradd --system --no-create-home .*--shell /\\S*nologin .*${user}$`, "m"),
      );
    }
    expect(out).toMatch(/^would run: \(cd \S+\/opt\/hostwatch\.new && npm ci --omit=dev /m);
    expect(out).toMatch(/^would run: chown root:hostwatch-agent \S+\/etc\/hostwatch\/agent\.json$/m);
    expect(out).toMatch(/^would run: chown root:hostwatch \S+\/etc\/hostwatch\/collector\.json$/m);
    expect(out).toContain("would run: systemctl daemon-reload\n");
    expect(out).toContain("would run: systemctl enable hostwatch-agent.service\n");
    expect(out).toContain(
      "would run: systemctl enable hostwatch-collector.service hostwatch-visualize.timer\n",
    );
  });

  it("is idempotent: a second run changes nothing and keeps an edited config", () => {
    expect(second.code, second.stderr).toBe(0);
    expect(readFileSync(at("etc/hostwatch/agent.json"), "utf8")).toBe(editedConfig);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
      (key) => before.get(key) !== after.get(key),
    );
    expect(changed).toEqual(["etc/hostwatch/agent.json"]);
    expect(second.stdout).toContain("keeping /etc/hostwatch/agent.json");
    expect(second.stdout).toContain("keeping /etc/hostwatch/agent.token");
    for (const unit of UNITS) expect(second.stdout).toContain(`unit ${unit} unchanged`);
  });

  it("`systemd-analyze verify` accepts every installed unit without a single message", () => {
    const systemdAnalyze = required(SYSTEMD_ANALYZE, "systemd-analyze", "systemd");
    const verifyRoot = path.join(temp("hostwatch-verify-"), "root");
    cpSync(root, verifyRoot, { recursive: true });
    // What the units need from the host, and nothing else: the node they run, the kill of their
    // ExecReload and the targets of their default dependencies (stubs, so that no host unit's own
    // warnings come in).
    const node = path.join(verifyRoot, "usr/bin/node");
    for (const executable of [node, path.join(verifyRoot, "bin/kill")]) {
      mkdirSync(path.dirname(executable), { recursive: true });
      writeFileSync(executable, "#!/bin/sh\n");
      chmodSync(executable, 0o755);
    }
    const lib = path.join(verifyRoot, "usr/lib/systemd/system");
    mkdirSync(lib, { recursive: true });
    for (const target of [
      "sysinit.target",
      "basic.target",
      "shutdown.target",
      "network-online.target",
      "multi-user.target",
      "timers.target",
      "time-set.target",
      "time-sync.target",
    ])
      writeFileSync(path.join(lib, target), `[Unit]\nDescription=${target} (stub)\n`);

    const verify = () =>
      spawnSync(systemdAnalyze, ["verify", `--root=${verifyRoot}`, "--man=no", ...UNITS], {
        encoding: "utf8",
        cwd: verifyRoot,
        env: { ...process.env, SYSTEMD_LOG_COLOR: "0", SYSTEMD_PAGER: "" },
      });
    const clean = verify();
    expect(clean.status, clean.stderr).toBe(0);
    // Unknown keys and bad values are only warnings (exit 0): any output at all is a failure.
    expect(clean.stdout + clean.stderr).toBe("");

    // The check is real: a bad value and a missing executable are reported.
    const agentUnit = path.join(verifyRoot, "etc/systemd/system/hostwatch-agent.service");
    writeFileSync(
      agentUnit,
      readFileSync(agentUnit, "utf8").replace("ProtectSystem=strict", "ProtectSystem=strictly"),
    );
    rmSync(node);
    const broken = verify();
    expect(broken.stderr).toContain("strictly");
    expect(broken.stderr).toMatch(/\/usr\/bin\/node is not executable/);
    expect(broken.status).not.toBe(0);
  });

  it("changes nothing with --dry-run", () => {
    const dryRoot = path.join(temp("hostwatch-dry-"), "staged");
    const dry = installSh(["--agent", "--root", dryRoot, "--source", source, "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(existsSync(dryRoot)).toBe(false);
    expect(dry.stdout).toMatch(
      /^would run: install -m 0644 \S+ \S+\/etc\/systemd\/system\/hostwatch-agent\.service$/m,
    );
    expect(dry.stdout).not.toContain("hostwatch-collector.service");
  });

  it("--uninstall removes the units, the users and the code, and keeps configs and data", () => {
    const run = installSh(["--uninstall", "--root", root]);
    expect(run.code, run.stderr).toBe(0);
    for (const unit of UNITS) expect(existsSync(at(`etc/systemd/system/${unit}`)), unit).toBe(false);
    expect(existsSync(at("opt/hostwatch"))).toBe(false);
    expect(run.stdout).toContain("would run: systemctl disable --now hostwatch-agent.service\n");
    expect(run.stdout).toContain("would run: systemctl disable --now hostwatch-visualize.timer\n");
    expect(run.stdout).toContain("would run: userdel hostwatch-agent\n");
    expect(run.stdout).toContain("would run: userdel hostwatch\n");
    expect(readFileSync(at("etc/hostwatch/agent.json"), "utf8")).toBe(editedConfig);
    for (const kept of [
      "etc/hostwatch/collector.json",
      "etc/hostwatch/agent.token",
      "var/lib/hostwatch/agent",
      "var/lib/hostwatch/data",
      "var/log/hostwatch/collector",
      "var/www/hostwatch",
    ])
      expect(existsSync(at(kept)), kept).toBe(true);
  });

  it("--uninstall --purge deletes configs, state, data, logs and the web root", () => {
    const run = installSh(["--uninstall", "--purge", "--root", root]);
    expect(run.code, run.stderr).toBe(0);
    for (const gone of ["etc/hostwatch", "var/lib/hostwatch", "var/log/hostwatch", "var/www/hostwatch"])
      expect(existsSync(at(gone)), gone).toBe(false);
  });

  it("uninstalls one role and keeps the code the other still uses", () => {
    const both = path.join(temp("hostwatch-roles-"), "staged");
    expect(installSh(["--all", "--root", both, "--source", source]).code).toBe(0);
    const run = installSh(["--uninstall", "--agent", "--root", both]);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(path.join(both, "etc/systemd/system/hostwatch-agent.service"))).toBe(false);
    expect(existsSync(path.join(both, "etc/systemd/system/hostwatch-collector.service"))).toBe(true);
    expect(existsSync(path.join(both, "opt/hostwatch/dist/collector/src/main.js"))).toBe(true);
    expect(run.stdout).not.toContain("userdel hostwatch\n");
  });
});
