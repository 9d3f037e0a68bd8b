import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { fixtureHost, tempHost } from "../../test/fixtures/hosts.js";
import type { TempHost } from "../../test/fixtures/hosts.js";
import { REAL_HOST } from "./family.js";
import { ProcessesCollector } from "./processes.js";

/** Owners of the host-procs processes (the fixture directories all belong to whoever checked them out). */
const UIDS: Record<number, number> = {
  1: 0,
  2: 0,
  42: 1000,
  512: 114,
  777: 1000,
  1234: 1000,
  4242: 1001,
  6000: 1000,
  9001: 0,
  31337: 1000,
};

function uidOf(pid: number): number {
  const uid = UIDS[pid];
  if (uid === undefined) throw Object.assign(new Error(`ENOENT: /proc/${pid}`), { code: "ENOENT" });
  return uid;
}

/** Rewrites fields of a fixture /proc/PID/stat, numbered as in proc(5) (14 utime, 15 stime, 22 starttime). */
function setStatFields(host: TempHost, pid: number, fields: Record<number, string | number>): void {
  const path = `${host.paths.proc}/${pid}/stat`;
  const text = readFileSync(path, "latin1");
  const close = text.lastIndexOf(")");
  const rest = text
    .slice(close + 2)
    .trimEnd()
    .split(" ");
  for (const [n, value] of Object.entries(fields)) rest[Number(n) - 3] = String(value);
  host.write(`proc/${pid}/stat`, `${text.slice(0, close + 1)} ${rest.join(" ")}\n`);
}

describe("ProcessesCollector", () => {
  let host: TempHost | undefined;
  afterEach(() => host?.cleanup());

  it("counts processes and lists the top 5 by memory and by lifetime CPU on the first scan", async () => {
    const collector = new ProcessesCollector(fixtureHost("host-procs"), { uidOf });
    expect((await collector.collect()).processes).toEqual({
      count: 10,
      running: 2,
      top_memory: [
        { pid: 777, name: "node", user: "alice", memory_percent: 6.4, rss_bytes: 1073741824 },
        { pid: 31337, name: "Web Content", user: "alice", memory_percent: 3.2, rss_bytes: 536870912 },
        { pid: 512, name: "postgres", user: "postgres", memory_percent: 1.27, rss_bytes: 212992000 },
        { pid: 1, name: "systemd", user: "root", memory_percent: 0.08, rss_bytes: 13565952 },
        { pid: 4242, name: "evil) S 1 (x", user: "1001", memory_percent: 0.05, rss_bytes: 8388608 },
      ],
      // ticks / (uptime 86400 s − starttime / 100): Web Content 60000 ticks in 3000 s → 20 %.
      top_cpu: [
        { pid: 31337, name: "Web Content", user: "alice", cpu_percent: 20 },
        { pid: 777, name: "node", user: "alice", cpu_percent: 6.92 },
        { pid: 512, name: "postgres", user: "postgres", cpu_percent: 0.6 },
        { pid: 6000, name: "bash", user: "alice", cpu_percent: 0.11 },
        { pid: 9001, name: "kworker/3:1-events", user: "root", cpu_percent: 0.1 },
      ],
    });
  });

  it("uses tick deltas over the elapsed time on later scans, per core as top shows", async () => {
    host = tempHost("host-procs");
    let now = 0;
    const collector = new ProcessesCollector(host.paths, { uidOf, now: () => now });
    await collector.collect();
    now = 10_000;
    host.write("proc/uptime", "86410.00 600070.00\n");
    setStatFields(host, 777, { 14: 360000 + 1500, 15: 72000 + 500 }); // 2000 ticks in 10 s: 2 cores busy
    setStatFields(host, 31337, { 14: 54000 + 300 }); // 30 %
    setStatFields(host, 6000, { 14: 10, 15: 10, 22: 8640500 }); // pid reused: new process, lifetime 5 s
    host.remove("proc/512"); // exited
    const { processes } = await collector.collect();
    expect(processes?.count).toBe(9);
    expect(processes?.top_cpu).toEqual([
      { pid: 777, name: "node", user: "alice", cpu_percent: 200 },
      { pid: 31337, name: "Web Content", user: "alice", cpu_percent: 30 },
      { pid: 6000, name: "bash", user: "alice", cpu_percent: 4 },
      // Unchanged ticks: 0 %, ties in pid order.
      { pid: 1, name: "systemd", user: "root", cpu_percent: 0 },
      { pid: 2, name: "kthreadd", user: "root", cpu_percent: 0 },
    ]);
  });

  it("skips a process that exits between readdir and reading its stat", async () => {
    host = tempHost("host-procs");
    host.write("proc/5555/cmdline", ""); // directory listed, stat gone
    const { processes } = await new ProcessesCollector(host.paths, { uidOf }).collect();
    expect(processes?.count).toBe(10);
  });

  it("drops a top process that exits before its owner is looked up, taking the next one", async () => {
    const collector = new ProcessesCollector(fixtureHost("host-procs"), {
      uidOf: (pid) => (pid === 777 ? uidOf(-1) : uidOf(pid)),
    });
    const { processes } = await collector.collect();
    expect(processes?.top_memory.map((p) => p.pid)).toEqual([31337, 512, 1, 4242, 6000]);
    expect(processes?.top_cpu.map((p) => p.pid)).toEqual([31337, 512, 6000, 9001, 1]);
  });

  it("lets the event loop run during a scan of many processes", async () => {
    host = tempHost("host-procs");
    const stat = readFileSync(`${host.paths.proc}/6000/stat`, "latin1");
    for (let pid = 10_000; pid < 10_250; pid++)
      host.write(`proc/${pid}/stat`, stat.replace(/^6000/, String(pid)));
    let immediateRan = false;
    let ranBeforeScanEnded = false;
    const collector = new ProcessesCollector(host.paths, {
      uidOf: (pid) => {
        ranBeforeScanEnded = immediateRan;
        return UIDS[pid] ?? 1000;
      },
    });
    const done = collector.collect();
    setImmediate(() => (immediateRan = true));
    expect((await done).processes?.count).toBe(260);
    expect(ranBeforeScanEnded).toBe(true);
  });

  it("reads user names from etc/passwd by default via the /proc/PID owner", async () => {
    host = tempHost("host-procs");
    host.write("etc/passwd", `me:x:${process.getuid?.() ?? 0}:0::/:/bin/sh\n`);
    const { processes } = await new ProcessesCollector(host.paths).collect();
    expect(new Set(processes?.top_memory.map((p) => p.user))).toEqual(new Set(["me"]));
  });

  it("reads this machine", async () => {
    const collector = new ProcessesCollector(REAL_HOST);
    await collector.collect();
    const { processes } = await collector.collect();
    expect(processes?.count).toBeGreaterThan(0);
    expect(processes?.running).toBeGreaterThanOrEqual(1); // this test process
    expect(processes?.top_memory).toHaveLength(Math.min(5, processes?.count ?? 0));
    for (const p of processes?.top_cpu ?? []) {
      expect(p.cpu_percent).toBeGreaterThanOrEqual(0);
      expect(p.user).not.toBe("");
    }
  });
});
