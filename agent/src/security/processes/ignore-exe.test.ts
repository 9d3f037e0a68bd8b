import { describe, expect, it } from "vitest";
import { parseAgentConfig } from "../../config/load-config.js";
import { fixtureHost } from "../../../test/fixtures/hosts.js";
import { DEFAULT_IGNORE_EXE, exeMatcher } from "./ignore-exe.js";
import { SuspiciousProcessCheck } from "./suspicious-process-check.js";

/** A host running containers: containerd + runc, conmon + crun, youki, LXC (fixtures/container-proc). */
const CONTAINER_HOST = fixtureHost("container-proc");
const uidOf = (pid: number) => (pid === 3600 ? 1000 : 0);

describe("exeMatcher", () => {
  const matches = exeMatcher(DEFAULT_IGNORE_EXE);

  it.each([
    "/memfd:runc_cloned:/proc/self/exe (deleted)",
    "/memfd:runc_cloned:runc-dmz (deleted)",
    "/memfd:crun_cloned:/proc/self/exe (deleted)",
    "/memfd:pentacle_sealed (deleted)",
    "/memfd:liblxc (deleted)",
    "/memfd:lxc-attach (deleted)",
  ])("the defaults match the container runtimes' memfd copies: %s", (target) => {
    expect(matches(target)).toBe(true);
  });

  it.each([
    "/memfd:runc_cloned (deleted)", // not runc's name: it always has ":" and a comment after it
    "/memfd:runc_cloned_x:/proc/self/exe (deleted)",
    "/memfd:wine-preloader (deleted)",
    "/memfd: (deleted)",
    "/usr/bin/runc (deleted)",
    "/tmp/runc_cloned:/proc/self/exe",
    "x/memfd:runc_cloned:/proc/self/exe (deleted)",
  ])("and nothing else: %s", (target) => {
    expect(matches(target)).toBe(false);
  });

  it("matches the whole target; * spans / and spaces; other characters stand for themselves", () => {
    const match = exeMatcher(["/opt/app/bin/*", "/tmp/build.[1]+(x)", "/exact"]);
    expect(match("/opt/app/bin/server (deleted)")).toBe(true);
    expect(match("/opt/app/bin/sub/dir/tool")).toBe(true);
    expect(match("/opt/app/binx")).toBe(false);
    expect(match("/tmp/build.[1]+(x)")).toBe(true);
    expect(match("/tmp/buildX[1]+(x)")).toBe(false);
    expect(match("/exact (deleted)")).toBe(false);
    expect(exeMatcher([])("/memfd:runc_cloned:/proc/self/exe (deleted)")).toBe(false);
  });
});

describe("security.ignore_exe", () => {
  it("defaults to the container runtimes and takes patterns; one that can never match is an error", () => {
    expect(parseAgentConfig({}).security.ignore_exe).toEqual(DEFAULT_IGNORE_EXE);
    expect(parseAgentConfig({ security: { ignore_exe: [] } }).security.ignore_exe).toEqual([]);
    expect(() => parseAgentConfig({ security: { ignore_exe: ["/memfd:*", "runc"] } })).toThrow(
      /security\.ignore_exe.*1.*whole \/proc\/PID\/exe target/s,
    );
  });
});

describe("SuspiciousProcessCheck on a host running containers", () => {
  it("does not report the runtimes' memfd copies by default, and says how many it passed over", async () => {
    const check = new SuspiciousProcessCheck(CONTAINER_HOST, { suspiciousDirs: ["/tmp"], uidOf, selfPid: 0 });
    const result = await check.run();
    expect(result.check).toEqual({
      name: "suspicious_processes",
      available: true,
      detail: "inspected 12 processes; 5 matched security.ignore_exe",
    });
    expect(result.findings.map((f) => [f.pid, f.name, f.exe, f.reason])).toEqual([
      [3600, "wine-preloader", "/memfd:wine-preloader (deleted)", "memfd_exec"],
      [3700, "kworker/0:2", "/memfd:runc_cloned (deleted)", "memfd_exec"],
    ]);
  });

  it("with an empty list every memfd process is a finding again; a pattern of one's own hides that one too", async () => {
    const all = await new SuspiciousProcessCheck(CONTAINER_HOST, {
      suspiciousDirs: ["/tmp"],
      ignoreExe: [],
      uidOf,
      selfPid: 0,
    }).run();
    expect(all.check.detail).toBe("inspected 12 processes");
    expect(all.findings.map((f) => f.pid)).toEqual([3210, 3220, 3310, 3400, 3500, 3600, 3700]);

    const custom = await new SuspiciousProcessCheck(CONTAINER_HOST, {
      suspiciousDirs: ["/tmp"],
      ignoreExe: ["/memfd:wine-*"],
      uidOf,
      selfPid: 0,
    }).run();
    expect(custom.findings.map((f) => f.pid)).toEqual([3210, 3220, 3310, 3400, 3500, 3700]);
  });
});
