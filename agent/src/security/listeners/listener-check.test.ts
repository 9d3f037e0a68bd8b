import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SECURITY_PROC, copySecurityProc, errnoError } from "../../../test/fixtures/security-proc/fixture.js";
import type { SecurityProcCopy } from "../../../test/fixtures/security-proc/fixture.js";
import { ListenerCheck, parseBaseline } from "./listener-check.js";

/** The fixture's "agent" process holds the socket of 0.0.0.0:8000. */
const AGENT_PID = 4000;
const T0 = new Date("2026-11-22T06:00:00.123Z");

/** Every family:port listening in the fixture. */
const FIXTURE_KEYS = [
  "tcp:22",
  "tcp:80",
  "tcp:1883",
  "tcp:2024",
  "tcp:3306",
  "tcp:4222",
  "tcp:4369",
  "tcp:4444",
  "tcp:5432",
  "tcp:5672",
  "tcp:6379",
  "tcp:8000",
  "tcp:8080",
  "tcp:9999",
  "tcp:25672",
  "tcp:40913",
  "udp:53",
  "udp:68",
  "udp:546",
];
const EXPECTED = [22, 53, 68, 546, 1883, 2024, 3306, 4222, 4369, 5432, 5672, 6379, 25672, 40913];

function tcpRow(sl: number, local: string, inode: number): string {
  return `${String(sl).padStart(4)}: ${local} 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 ${inode} 1 0000000000000000 100 0 0 10 0\n`;
}

/** Inserts a row at the end of the listening part, where the kernel lists listeners. */
function addTcpListener(path: string, row: string): void {
  const lines = readFileSync(path, "latin1").split("\n");
  const firstOther = lines.findIndex(
    (line, i) => i > 0 && line.trim() !== "" && line.trim().split(/\s+/)[3] !== "0A",
  );
  lines.splice(firstOther < 0 ? lines.length - 1 : firstOther, 0, row.trimEnd());
  writeFileSync(path, lines.join("\n"));
}

function udp6Row(sl: number, local: string, inode: number): string {
  return `${String(sl).padStart(5)}: ${local} ${"0".repeat(32)}:0000 07 00000000:00000000 00:00000000 00000000     0        0 ${inode} 2 0000000000000000 0\n`;
}

describe("ListenerCheck", () => {
  let copy: SecurityProcCopy | undefined;
  let stateDir: string | undefined;
  afterEach(() => {
    copy?.cleanup();
    copy = undefined;
    if (stateDir !== undefined) rmSync(stateDir, { recursive: true, force: true });
    stateDir = undefined;
  });

  function baselinePath(): string {
    stateDir ??= mkdtempSync(join(tmpdir(), "hostwatch-listeners-"));
    return join(stateDir, "var", "agent", "listeners-baseline.json");
  }

  describe("with expected ports", () => {
    it("reports the other listening ports once per endpoint, with their owner", async () => {
      const check = new ListenerCheck(SECURITY_PROC, {
        expectedPorts: EXPECTED,
        baselineFile: baselinePath(),
        selfPid: AGENT_PID,
      });
      const result = await check.run();
      expect(result.check).toEqual({
        name: "unexpected_listeners",
        available: true,
        detail: `expected ports: ${EXPECTED.join(", ")}`,
      });
      expect(result.findings).toEqual([
        // Two SO_REUSEPORT sockets of nginx workers: one finding.
        { proto: "tcp", address: "0.0.0.0", port: 80, pid: 6001, process: "nginx" },
        { proto: "tcp", address: "0.0.0.0", port: 4444, pid: 1500, process: "kdevtmpfsi" },
        // In tcp6, bound to an IPv4-mapped address; no process of the tree holds it.
        { proto: "tcp", address: "::ffff:127.0.0.1", port: 8080, pid: null, process: null },
        { proto: "tcp", address: "0.0.0.0", port: 9999, pid: 5100, process: "nc" },
      ]);
      // Nothing was written: the baseline is not used.
      expect(stateDir === undefined ? [] : readdirSync(stateDir)).toEqual([]);
    });

    it("reports the agent's own socket only when it is not selfPid", async () => {
      const check = new ListenerCheck(SECURITY_PROC, {
        expectedPorts: EXPECTED,
        baselineFile: baselinePath(),
        selfPid: -1,
      });
      expect((await check.run()).findings).toContainEqual({
        proto: "tcp",
        address: "0.0.0.0",
        port: 8000,
        pid: AGENT_PID,
        process: "hostwatch-agent",
      });
    });

    it("reports IPv4 and IPv6 endpoints of a port apart, and UDP as udp", async () => {
      const check = new ListenerCheck(SECURITY_PROC, {
        expectedPorts: [],
        baselineFile: baselinePath(),
        selfPid: AGENT_PID,
      });
      const result = await check.run();
      expect(result.check.detail).toBe("expected ports: none");
      expect(result.findings.filter((f) => f.port === 22 || f.proto === "udp")).toEqual([
        { proto: "tcp", address: "0.0.0.0", port: 22, pid: 800, process: "sshd" },
        { proto: "tcp", address: "::", port: 22, pid: 800, process: "sshd" },
        { proto: "udp", address: "127.0.0.53", port: 53, pid: null, process: null },
        { proto: "udp", address: "0.0.0.0", port: 68, pid: 700, process: "dhclient" },
        { proto: "udp", address: "fe80::5054:ff:fe12:3456", port: 546, pid: 700, process: "dhclient" },
      ]);
      // 14 IPv4 TCP endpoints (port 80 twice, 8000 the agent's), 4 IPv6 TCP ones, 3 UDP ones.
      expect(result.findings).toHaveLength(21);
    });

    it("says when the owner may be hidden behind fd tables it may not read", async () => {
      const check = new ListenerCheck(SECURITY_PROC, {
        expectedPorts: EXPECTED,
        baselineFile: baselinePath(),
        selfPid: AGENT_PID,
        owners: {
          readdir: (path) => {
            if (path.endsWith("/5100/fd")) throw errnoError("EACCES", path);
            return readdirSync(path);
          },
        },
      });
      const result = await check.run();
      expect(result.findings).toContainEqual({
        proto: "tcp",
        address: "0.0.0.0",
        port: 9999,
        pid: null,
        process: null,
      });
      // 8080 belongs to no process of the tree; as some fd table was unreadable, it may be hidden too.
      expect(result.check.detail).toBe(
        `expected ports: ${EXPECTED.join(", ")}; owner unknown for 2 listeners ` +
          "(no permission to read /proc/PID/fd: run as root or grant CAP_SYS_PTRACE)",
      );
    });
  });

  describe("with a baseline", () => {
    it("takes the first run's listening ports as the baseline and saves it", async () => {
      const file = baselinePath();
      const check = new ListenerCheck(SECURITY_PROC, {
        baselineFile: file,
        selfPid: AGENT_PID,
        now: () => T0,
      });
      const result = await check.run();
      expect(result).toEqual({
        check: {
          name: "unexpected_listeners",
          available: true,
          detail: `baseline of 19 listening ports taken 2026-11-22T06:00:00Z (saved to ${file})`,
        },
        findings: [],
      });
      expect(parseBaseline(readFileSync(file, "utf8"))).toEqual({
        taken_at: "2026-11-22T06:00:00Z",
        listening: FIXTURE_KEYS,
      });
      // Written through a temp file renamed into place: nothing else is left.
      expect(readdirSync(join(file, ".."))).toEqual(["listeners-baseline.json"]);
      // Later runs keep it.
      expect((await check.run()).check.detail).toBe(result.check.detail);
    });

    it("loads the saved baseline after a restart", async () => {
      const file = baselinePath();
      await new ListenerCheck(SECURITY_PROC, { baselineFile: file, selfPid: AGENT_PID, now: () => T0 }).run();
      const restarted = new ListenerCheck(SECURITY_PROC, {
        baselineFile: file,
        selfPid: AGENT_PID,
        now: () => new Date("2026-12-01T00:00:00Z"),
      });
      expect(await restarted.run()).toEqual({
        check: {
          name: "unexpected_listeners",
          available: true,
          detail: `baseline of 19 listening ports taken 2026-11-22T06:00:00Z (from ${file})`,
        },
        findings: [],
      });
    });

    it("reports a port that starts listening after the baseline, but not a new address of a known port", async () => {
      copy = copySecurityProc();
      const { proc } = copy.paths;
      const check = new ListenerCheck(copy.paths, {
        baselineFile: baselinePath(),
        selfPid: AGENT_PID,
        now: () => T0,
      });
      expect((await check.run()).findings).toEqual([]);

      addTcpListener(`${proc}/net/tcp`, tcpRow(16, "00000000:7A69", 99001)); // 0.0.0.0:31337
      addTcpListener(`${proc}/net/tcp`, tcpRow(17, "0500000A:0016", 99003)); // 10.0.0.5:22: port 22 is known
      appendFileSync(`${proc}/net/udp6`, udp6Row(400, "0".repeat(32) + ":14E9", 99002)); // [::]:5353
      symlinkSync("socket:[99001]", `${proc}/1500/fd/8`);
      symlinkSync("socket:[99002]", `${proc}/1500/fd/9`);
      expect((await check.run()).findings).toEqual([
        { proto: "tcp", address: "0.0.0.0", port: 31337, pid: 1500, process: "kdevtmpfsi" },
        { proto: "udp", address: "::", port: 5353, pid: 1500, process: "kdevtmpfsi" },
      ]);

      // The listener goes away: so does the finding.
      writeFileSync(
        `${proc}/net/tcp`,
        readFileSync(`${proc}/net/tcp`, "latin1")
          .split("\n")
          .filter((line) => !line.includes(" 99001 "))
          .join("\n"),
      );
      expect((await check.run()).findings).toEqual([
        { proto: "udp", address: "::", port: 5353, pid: 1500, process: "kdevtmpfsi" },
      ]);
    });

    it("keeps the baseline in memory when the file cannot be written, and says so", async () => {
      stateDir = mkdtempSync(join(tmpdir(), "hostwatch-listeners-"));
      writeFileSync(join(stateDir, "not-a-dir"), "");
      const file = join(stateDir, "not-a-dir", "listeners-baseline.json");
      const check = new ListenerCheck(SECURITY_PROC, {
        baselineFile: file,
        selfPid: AGENT_PID,
        now: () => T0,
      });
      const first = await check.run();
      expect(first.findings).toEqual([]);
      expect(
        first.check.detail.startsWith(
          `baseline of 19 listening ports taken 2026-11-22T06:00:00Z (kept in memory only: cannot write ${file}: E`,
        ),
      ).toBe(true);
      const second = await check.run();
      expect(second.findings).toEqual([]);
      expect(second.check.detail).toBe(first.check.detail);
    });

    it("takes a new baseline when the file holds something else", async () => {
      const file = baselinePath();
      const check = new ListenerCheck(SECURITY_PROC, {
        baselineFile: file,
        selfPid: AGENT_PID,
        now: () => T0,
      });
      await check.run();
      writeFileSync(file, '{"listening": "tcp:22"}');
      const restarted = new ListenerCheck(SECURITY_PROC, {
        baselineFile: file,
        selfPid: AGENT_PID,
        now: () => T0,
      });
      expect((await restarted.run()).check.detail).toBe(
        `baseline of 19 listening ports taken 2026-11-22T06:00:00Z (${file} was not a baseline; saved to ${file})`,
      );
      expect(parseBaseline(readFileSync(file, "utf8"))?.listening).toEqual(FIXTURE_KEYS);
    });
  });

  it("is unavailable when no /proc/net file can be read", async () => {
    copy = copySecurityProc();
    rmSync(`${copy.paths.proc}/net`, { recursive: true });
    const check = new ListenerCheck(copy.paths, { expectedPorts: [22], baselineFile: baselinePath() });
    const result = await check.run();
    expect(result.findings).toEqual([]);
    expect(result.check.available).toBe(false);
    expect(result.check.detail).toBe(
      ["tcp", "tcp6", "udp", "udp6"]
        .map((proto) => `${copy?.paths.proc}/net/${proto} (ENOENT)`)
        .join(", ")
        .replace(/^/, "cannot read "),
    );
  });

  it("names the files it could not read when others could be (IPv6 disabled)", async () => {
    copy = copySecurityProc();
    rmSync(`${copy.paths.proc}/net/tcp6`);
    rmSync(`${copy.paths.proc}/net/udp6`);
    const check = new ListenerCheck(copy.paths, {
      expectedPorts: EXPECTED,
      baselineFile: baselinePath(),
      selfPid: AGENT_PID,
    });
    const result = await check.run();
    expect(result.check.available).toBe(true);
    expect(result.check.detail).toBe(
      `expected ports: ${EXPECTED.join(", ")}; could not read ${copy.paths.proc}/net/tcp6 (ENOENT), ${copy.paths.proc}/net/udp6 (ENOENT)`,
    );
    expect(result.findings.map((f) => f.port)).toEqual([80, 4444, 9999]);
  });
});

describe("parseBaseline", () => {
  it("accepts the saved shape only", () => {
    expect(parseBaseline('{"taken_at":"2026-11-22T06:00:00Z","listening":["tcp:22","udp:68"]}')).toEqual({
      taken_at: "2026-11-22T06:00:00Z",
      listening: ["tcp:22", "udp:68"],
    });
    expect(parseBaseline("not json")).toBeNull();
    expect(parseBaseline("null")).toBeNull();
    expect(parseBaseline('{"taken_at":"x","listening":["tcp:x"]}')).toBeNull();
    expect(parseBaseline('{"listening":[]}')).toBeNull();
  });
});
