import type { NspawnMachine } from "./nspawn-machine.js";

/*
 * What a running service's sandbox really allows, found out from inside it: commands entered
 * into the service's own mount namespace (nsenter --target=PID --mount) with its credentials
 * (setpriv), so they meet the same read-only mounts, private /tmp and /proc as the service.
 */

const PROBE = 'touch "$1/.hostwatch-probe" && rm "$1/.hostwatch-probe" && echo ok';

export class SandboxProbe {
  constructor(private readonly machine: NspawnMachine) {}

  /** The fields of /proc/PID/status ("Uid", "CapEff", "Groups", ...), values trimmed. */
  status(pid: number): Record<string, string> {
    return Object.fromEntries(
      this.machine
        .must(["cat", `/proc/${pid}/status`])
        .split("\n")
        .filter((line) => line.includes(":"))
        .map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trim()]),
    );
  }

  /**
   * Creates and removes a file in DIR from inside the mount namespace of service process PID,
   * with that process's user, group and supplementary groups: "ok", or the error it got.
   */
  writeFrom(pid: number, dir: string): string {
    const creds = this.status(pid);
    const uid = (creds.Uid ?? "").split(/\s+/)[0] ?? "";
    const gid = (creds.Gid ?? "").split(/\s+/)[0] ?? "";
    const groups = (creds.Groups ?? "").split(/\s+/).filter(Boolean).join(",");
    const asService = [
      `--reuid=${uid}`,
      `--regid=${gid}`,
      groups === "" ? "--clear-groups" : `--groups=${groups}`,
    ];
    return this.outcome([
      "nsenter",
      `--target=${pid}`,
      "--mount",
      "--",
      "setpriv",
      ...asService,
      "--",
      "sh",
      "-c",
      PROBE,
      "sh",
      dir,
    ]);
  }

  /** The same write as USER outside any sandbox: the control that gives writeFrom's refusals their meaning. */
  writeAs(user: string, dir: string): string {
    return this.outcome([
      "setpriv",
      `--reuid=${user}`,
      `--regid=${user}`,
      "--init-groups",
      "--",
      "sh",
      "-c",
      PROBE,
      "sh",
      dir,
    ]);
  }

  /** Whether USER, in the mount namespace (and so the /proc) of service process PID, sees process TARGET. */
  sees(pid: number, user: string, target: number): boolean {
    const asUser = [`--reuid=${user}`, `--regid=${user}`, "--init-groups"];
    const test = [
      "nsenter",
      `--target=${pid}`,
      "--mount",
      "--",
      "setpriv",
      ...asUser,
      "--",
      "test",
      "-d",
      `/proc/${target}`,
    ];
    return this.machine.run(test).code === 0;
  }

  private outcome(command: string[]): string {
    const result = this.machine.run(command);
    return result.code === 0 ? result.stdout.trim() : result.stderr.trim();
  }
}
