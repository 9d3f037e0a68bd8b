import type { AgentConfig } from "./config/load-config.js";
import type { FamilyCollector, HostPaths } from "./metrics/family.js";
import { createLinuxCollectors, SecurityCollector, type SecurityOptions } from "./metrics/index.js";

/** Linux reads /proc and /sys itself; other platforms fall back to systeminformation. */
export async function createCollectors(paths: HostPaths, config: AgentConfig): Promise<FamilyCollector[]> {
  if (process.platform !== "linux") {
    const { createFallbackCollectors } = await import("./fallback/si-collectors.js");
    return createFallbackCollectors();
  }
  return createLinuxCollectors(paths, { security: securityOptions(config) });
}

/** The security family anew, for a reloaded config whose checks changed; none off Linux. */
export function createSecurityCollector(paths: HostPaths, config: AgentConfig): FamilyCollector | undefined {
  return process.platform === "linux" ? new SecurityCollector(paths, securityOptions(config)) : undefined;
}

function securityOptions(config: AgentConfig): SecurityOptions {
  const { security } = config;
  return {
    suspiciousDirs: [...security.suspicious_dirs],
    ignoreExe: [...security.ignore_exe],
    authLogPaths: [...security.auth_log_paths],
    sshWindowS: security.ssh_window_s,
    sshFailedThreshold: security.ssh_failed_threshold,
    expectedPorts: security.expected_ports === undefined ? undefined : [...security.expected_ports],
    stateDir: config.state_dir,
  };
}
