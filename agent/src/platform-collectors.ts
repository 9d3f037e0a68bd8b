import type { AgentConfig } from "./config/load-config.js";
import type { FamilyCollector, HostPaths } from "./metrics/family.js";
import { createLinuxCollectors } from "./metrics/index.js";

/** Linux reads /proc and /sys itself; other platforms fall back to systeminformation. */
export async function createCollectors(paths: HostPaths, config: AgentConfig): Promise<FamilyCollector[]> {
  if (process.platform !== "linux") {
    const { createFallbackCollectors } = await import("./fallback/si-collectors.js");
    return createFallbackCollectors();
  }
  return createLinuxCollectors(paths, { sshWindowS: config.security.ssh_window_s });
}
