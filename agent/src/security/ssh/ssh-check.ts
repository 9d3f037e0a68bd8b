import { statSync } from "node:fs";
import type { SecurityCheck, SshFailedLogins, SshSource } from "../../../../common/src/contract/protocol.js";
import type { CheckResult } from "../check-result.js";
import { AuthLineParser } from "./auth-line.js";
import { FailureWindow } from "./failure-window.js";
import { JournaldSource, findJournalctl } from "./journald-source.js";
import { LogFollower } from "./log-follower.js";

export const SSH_CHECK_NAME = "ssh_brute_force";

export interface SshBruteForceOptions {
  /** Auth logs in order of preference, e.g. ["/var/log/auth.log", "/var/log/secure"]. */
  logPaths: string[];
  windowS: number;
  /** A source with at least this many failures in the window is a finding. */
  threshold: number;
  /** Epoch ms. */
  now?: () => number;
  /** journalctl for the fallback: undefined = look it up in PATH, null = no journald fallback. */
  journalctl?: string | null;
  maxBytesPerRead?: number;
  /** Ignore what the log holds already (tests, benchmarks). */
  startAtEnd?: boolean;
}

export interface SshCheckOutput {
  result: CheckResult<SshSource>;
  logins: SshFailedLogins;
}

/**
 * Failed SSH logins per source IP over the last windowS, read incrementally from the first
 * existing auth log, or from journald when no configured log file exists.
 */
export class SshBruteForceCheck {
  private readonly options: SshBruteForceOptions;
  private readonly now: () => number;
  private readonly window: FailureWindow;
  private readonly parser = new AuthLineParser();
  private follower: LogFollower | null = null;
  private journald: JournaldSource | null = null;
  private journalctl: string | null | undefined;

  constructor(options: SshBruteForceOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.window = new FailureWindow({ windowS: options.windowS });
    this.journalctl = options.journalctl;
  }

  async run(): Promise<SshCheckOutput> {
    const now = this.now();
    const check = await this.read(now);
    const { total, sources } = this.window.snapshot(now);
    return {
      result: { check, findings: this.window.sourcesAtOrAbove(this.options.threshold, now) },
      logins: { window_s: this.options.windowS, total, sources },
    };
  }

  close(): void {
    this.follower?.close();
    this.follower = null;
  }

  private async read(now: number): Promise<SecurityCheck> {
    if (this.follower === null) {
      const path = this.options.logPaths.find(exists);
      if (path !== undefined) {
        this.follower = new LogFollower(path, {
          // After journald, the file's earlier lines were most likely counted already.
          startAtEnd: this.options.startAtEnd === true || this.journald !== null,
          maxBytesPerRead: this.options.maxBytesPerRead,
        });
        this.journald = null;
      }
    }
    if (this.follower !== null) return this.readFile(this.follower, now);

    const journalctl = this.findJournalctl();
    if (journalctl === null) {
      return unavailable(`no auth log at ${this.options.logPaths.join(", ")} and no journalctl`);
    }
    this.journald ??= new JournaldSource({ journalctl, windowS: this.options.windowS });
    try {
      for (const event of await this.journald.readNew(now)) this.window.add(event);
    } catch (err) {
      return unavailable(err instanceof Error ? err.message : String(err));
    }
    return { name: SSH_CHECK_NAME, available: true, detail: "reading journald (no auth log file)" };
  }

  private readFile(follower: LogFollower, now: number): SecurityCheck {
    let lines: string[];
    try {
      lines = follower.readNew();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EACCES" || code === "EPERM") {
        return unavailable(
          `cannot read ${follower.path}: permission denied (add the agent's user to group adm)`,
        );
      }
      if (code === "ENOENT") this.follower = null; // gone before we could open it
      return unavailable(`cannot read ${follower.path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const nowDate = new Date(now);
    for (const line of lines) {
      const event = this.parser.parse(line, nowDate);
      if (event !== null) this.window.add(event);
    }
    return { name: SSH_CHECK_NAME, available: true, detail: `reading ${follower.path}` };
  }

  private findJournalctl(): string | null {
    if (this.journalctl === undefined) this.journalctl = findJournalctl();
    return this.journalctl;
  }
}

function exists(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function unavailable(detail: string): SecurityCheck {
  return { name: SSH_CHECK_NAME, available: false, detail };
}
