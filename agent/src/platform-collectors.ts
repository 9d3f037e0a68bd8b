import type { AgentConfig } from "./config/load-config.js";
import type { FamilyCollector, HostPaths } from "./metrics/family.js";
import { createLinuxCollectors } from "./metrics/index.js";

/** Linux reads /proc and /sys itself; other platforms fall back to systeminformation. */
export async function createCollectors(paths: HostPaths, config: AgentConfig): Promise<FamilyCollector[]> {
  if (process.platform !== "linux") {
    const { createFallbackCollectors } = await import("./fallback/si-collectors.js");
    return createFallbackCollectors();
  }
  const { security } = config;
  return createLinuxCollectors(paths, {
    security: {
      suspiciousDirs: [...security.suspicious_dirs],
      ignoreExe: [...security.ignore_exe],
      authLogPaths: [...security.auth_log_paths],
      sshWindowS: security.ssh_window_s,
      sshFailedThreshold: security.ssh_failed_threshold,
      expectedPorts: security.expected_ports === undefined ? undefined : [...security.expected_ports],
      stateDir: config.state_dir,
    },
  });
}
