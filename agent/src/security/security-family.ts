import path from "node:path";
import type { FamilyCollector, HostPaths } from "../metrics/family.js";
import type {
  MetricsSnapshot,
  SecurityCheck,
  SecurityMetrics,
  SecurityStatus,
  SshFailedLogins,
} from "../../../common/src/contract/protocol.js";
import type { CheckResult } from "./check-result.js";
import { ListenerCheck } from "./listeners/listener-check.js";
import { SuspiciousProcessCheck } from "./processes/suspicious-process-check.js";
import { SshBruteForceCheck } from "./ssh/ssh-check.js";

export interface SecurityOptions {
  suspiciousDirs?: string[];
  /** `security.ignore_exe`; default DEFAULT_IGNORE_EXE (container runtimes' memfd copies). */
  ignoreExe?: readonly string[];
  authLogPaths?: string[];
  sshWindowS?: number;
  sshFailedThreshold?: number;
  /** Unset: the first sample's listening ports become the baseline, kept in stateDir. */
  expectedPorts?: number[] | undefined;
  stateDir?: string;
  /** Where journalctl is; null = never use journald. Default: looked up on PATH. */
  journalctl?: string | null;
}

/**
 * Family "security": suspicious processes, SSH brute force and unexpected listeners. Each
 * check reports itself in `checks`; one that throws is listed as unavailable with the reason,
 * and the others still run.
 */
export class SecurityCollector implements FamilyCollector {
  readonly family = "security" as const;
  private readonly processes: SuspiciousProcessCheck;
  private readonly listeners: ListenerCheck;
  private readonly ssh: SshBruteForceCheck;
  private readonly windowS: number;

  constructor(paths: HostPaths, options: SecurityOptions = {}) {
    this.windowS = options.sshWindowS ?? 900;
    this.processes = new SuspiciousProcessCheck(paths, {
      suspiciousDirs: options.suspiciousDirs ?? ["/tmp", "/var/tmp", "/dev/shm"],
      ...(options.ignoreExe === undefined ? {} : { ignoreExe: options.ignoreExe }),
    });
    this.listeners = new ListenerCheck(paths, {
      expectedPorts: options.expectedPorts,
      baselineFile: path.join(options.stateDir ?? "var/agent", "listeners-baseline.json"),
    });
    this.ssh = new SshBruteForceCheck({
      logPaths: options.authLogPaths ?? ["/var/log/auth.log", "/var/log/secure"],
      windowS: this.windowS,
      threshold: options.sshFailedThreshold ?? 10,
      ...(options.journalctl === undefined ? {} : { journalctl: options.journalctl }),
    });
  }

  async collect(): Promise<Partial<MetricsSnapshot>> {
    const suspicious = await guarded("suspicious_processes", () => this.processes.run());
    const listeners = await guarded("unexpected_listeners", () => this.listeners.run());
    let logins: SshFailedLogins = { window_s: this.windowS, total: 0, sources: [] };
    const bruteForce = await guarded("ssh_brute_force", async () => {
      const outcome = await this.ssh.run();
      logins = outcome.logins;
      return outcome.result;
    });
    const checks = [suspicious.check, bruteForce.check, listeners.check];
    const security: SecurityMetrics = {
      status: overallStatus(checks, {
        critical: suspicious.findings.some((finding) => finding.severity === "critical"),
        warning: suspicious.findings.length + bruteForce.findings.length + listeners.findings.length > 0,
      }),
      issue_count: suspicious.findings.length + bruteForce.findings.length + listeners.findings.length,
      suspicious_processes: suspicious.findings,
      ssh_failed_logins: logins,
      unexpected_listeners: listeners.findings,
      checks,
    };
    return { security };
  }
}

export function overallStatus(
  checks: ReadonlyArray<SecurityCheck>,
  found: { critical: boolean; warning: boolean },
): SecurityStatus {
  if (found.critical) return "critical";
  if (found.warning) return "warning";
  return checks.some((check) => check.available) ? "ok" : "unavailable";
}

async function guarded<T>(name: string, run: () => Promise<CheckResult<T>>): Promise<CheckResult<T>> {
  try {
    return await run();
  } catch (error) {
    const detail = `check failed: ${error instanceof Error ? error.message : String(error)}`;
    return { check: { name, available: false, detail }, findings: [] };
  }
}
