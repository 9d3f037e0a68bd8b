import { isDeepStrictEqual } from "node:util";
import { METRIC_FAMILIES, type MetricFamily } from "../../common/src/contract/protocol.js";
import type { AgentConfig } from "./config/load-config.js";

/** What a reloaded agent config changes, against the one running. */
export interface AgentConfigDiff {
  /** security.allowed_ips changed. */
  allowlist: boolean;
  /** The token (security.require_auth, token, token_file) changed: on, off or another one. */
  token: boolean;
  enabled: MetricFamily[];
  disabled: MetricFamily[];
  /** The security checks' settings (ssh window and threshold, suspicious_dirs, expected_ports, auth logs). */
  securityChecks: boolean;
  /** Keys that differ from the config the agent started with and only apply at a restart. */
  needsRestart: string[];
}

/** Applied by a reload; every other key keeps the value the agent started with. */
const LIVE_KEYS = new Set(["security", "metrics", "token", "warnings"]);
const ACCESS_KEYS = new Set(["allowed_ips", "require_auth", "token", "token_file"]);

export function diffAgentConfigs(
  started: AgentConfig,
  running: AgentConfig,
  next: AgentConfig,
): AgentConfigDiff {
  const checks = (config: AgentConfig) =>
    Object.entries(config.security).filter(([key]) => !ACCESS_KEYS.has(key));
  const on = (config: AgentConfig, family: MetricFamily) => config.metrics[`enable_${family}`];
  return {
    allowlist: !isDeepStrictEqual(running.security.allowed_ips, next.security.allowed_ips),
    token: running.token !== next.token,
    enabled: METRIC_FAMILIES.filter((family) => !on(running, family) && on(next, family)),
    disabled: METRIC_FAMILIES.filter((family) => on(running, family) && !on(next, family)),
    securityChecks: !isDeepStrictEqual(checks(running), checks(next)),
    needsRestart: Object.keys({ ...started, ...next })
      .filter((key) => !LIVE_KEYS.has(key))
      .filter((key) => !isDeepStrictEqual(started[key as keyof AgentConfig], next[key as keyof AgentConfig]))
      .sort(),
  };
}

/** `allowlist changed (10.0.0.0/8), token changed, families disabled (processes)` or `nothing changed`. */
export function describeAgentDiff(diff: AgentConfigDiff, next: AgentConfig): string {
  const parts: string[] = [];
  if (diff.allowlist) parts.push(`allowlist changed (${next.security.allowed_ips.join(", ")})`);
  if (diff.token) parts.push(next.token === undefined ? "token auth turned off" : "token changed");
  if (diff.enabled.length > 0) parts.push(`families enabled (${diff.enabled.join(", ")})`);
  if (diff.disabled.length > 0) parts.push(`families disabled (${diff.disabled.join(", ")})`);
  if (diff.securityChecks) parts.push("security check settings changed");
  return parts.length === 0 ? "nothing changed" : parts.join(", ");
}
