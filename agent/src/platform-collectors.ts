import type { AgentConfig } from "./config/load-config.js";
import { createFallbackCollectors } from "./fallback/si-collectors.js";
import type { FamilyCollector, HostPaths } from "./metrics/family.js";
import { createLinuxCollectors } from "./metrics/index.js";

/** Linux reads /proc and /sys itself; other platforms fall back to systeminformation. */
export function createCollectors(paths: HostPaths, config: AgentConfig): FamilyCollector[] {
  if (process.platform !== "linux") return createFallbackCollectors();
  return createLinuxCollectors(paths, { sshWindowS: config.security.ssh_window_s });
}
