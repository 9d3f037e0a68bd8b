import type { MetricsSnapshot, SecurityMetrics } from "../protocol.js";
import type { FamilyCollector, HostPaths } from "./family.js";

export interface SecurityOptions {
  /** Window of the SSH failed-login count. Default 900 s. */
  sshWindowS?: number;
}

/** Family "security": a placeholder reporting "unavailable" until the checks are implemented. */
export class SecurityCollector implements FamilyCollector {
  readonly family = "security" as const;
  private readonly sshWindowS: number;

  constructor(_paths: HostPaths, options: SecurityOptions = {}) {
    this.sshWindowS = options.sshWindowS ?? 900;
  }

  async collect(): Promise<Partial<MetricsSnapshot>> {
    const security: SecurityMetrics = {
      status: "unavailable",
      issue_count: 0,
      suspicious_processes: [],
      ssh_failed_logins: { window_s: this.sshWindowS, total: 0, sources: [] },
      unexpected_listeners: [],
      checks: [],
    };
    return { security };
  }
}
