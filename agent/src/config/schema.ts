import { isIP } from "node:net";
import * as v from "valibot";
import { closedObject } from "../../../common/src/config/closed-object.js";
import { logLevelSchema } from "../../../common/src/config/log-level.js";
import { DEFAULT_SNAPSHOT_LIMITS } from "../limits/bound-snapshot.js";
import { DEFAULT_IGNORE_EXE, EXE_PATTERN_HINT, isExePattern } from "../security/processes/ignore-exe.js";

export function isIpOrCidr(entry: string): boolean {
  const [address = "", prefix, extra] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

const ipOrCidr = v.pipe(v.string(), v.check(isIpOrCidr, "not an IP address or CIDR"));
const port = v.pipe(v.number(), v.integer("must be a whole number"), v.minValue(0), v.maxValue(65535));
const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  v.pipe(v.number(), v.integer("must be a whole number"), v.minValue(min), v.maxValue(max));
const flag = v.optional(v.boolean(), true);
const path = v.pipe(v.string(), v.minLength(1, "must not be empty"));

export const agentConfigSchema = v.pipe(
  closedObject({
    name: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty"))),
    host: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty")), "0.0.0.0"),
    port: v.optional(port, 8000),
    check_interval: v.optional(v.pipe(v.number(), v.gtValue(0), v.maxValue(3600)), 5),
    log_level: v.optional(logLevelSchema, "info"),
    log_file: v.optional(v.nullable(path), null),
    log_max_size: v.optional(v.pipe(v.string(), v.regex(/^\d+[kmg]?$/i, "a size like 10m or 500k")), "10m"),
    log_max_files: v.optional(int(1), 5),
    state_dir: v.optional(path),
    max_body_bytes: v.optional(int(1024, 16 * 1024 * 1024), 64 * 1024),
    max_connections: v.optional(int(1), 256),
    metrics: v.optional(
      closedObject({
        enable_temperature: flag,
        enable_cpu: flag,
        enable_memory: flag,
        enable_disk: flag,
        enable_network: flag,
        enable_processes: flag,
        enable_security: flag,
      }),
      {},
    ),
    security: v.optional(
      closedObject({
        allowed_ips: v.optional(v.array(ipOrCidr), ["127.0.0.1", "::1"]),
        require_auth: v.optional(v.boolean(), false),
        token: v.optional(v.pipe(v.string(), v.minLength(16, "a token needs at least 16 characters"))),
        token_file: v.optional(path),
        auth_log_paths: v.optional(v.array(path), ["/var/log/auth.log", "/var/log/secure"]),
        suspicious_dirs: v.optional(v.array(path), ["/tmp", "/var/tmp", "/dev/shm"]),
        ignore_exe: v.optional(v.array(v.pipe(v.string(), v.check(isExePattern, EXE_PATTERN_HINT))), () => [
          ...DEFAULT_IGNORE_EXE,
        ]),
        expected_ports: v.optional(v.array(port)),
        ssh_window_s: v.optional(int(1), 900),
        ssh_failed_threshold: v.optional(int(1), 10),
      }),
      {},
    ),
    limits: v.optional(
      closedObject({
        max_list_items: v.optional(int(1, 100_000), DEFAULT_SNAPSHOT_LIMITS.maxListItems),
        max_ssh_sources: v.optional(int(1, 100_000), DEFAULT_SNAPSHOT_LIMITS.maxSshSources),
        max_cpu_cores: v.optional(int(1, 100_000), DEFAULT_SNAPSHOT_LIMITS.maxCpuCores),
      }),
      {},
    ),
    tls: v.optional(
      closedObject({
        cert_file: v.optional(path),
        key_file: v.optional(path),
      }),
      {},
    ),
  }),
  // partialCheck: these run even when other keys have problems, so all are reported at once
  v.forward(
    v.partialCheck(
      [
        ["security", "token"],
        ["security", "token_file"],
      ],
      ({ security }) => security.token === undefined || security.token_file === undefined,
      "set security.token or security.token_file, not both",
    ),
    ["security", "token_file"],
  ),
  v.forward(
    v.partialCheck(
      [
        ["tls", "cert_file"],
        ["tls", "key_file"],
      ],
      ({ tls }) => tls.cert_file !== undefined || tls.key_file === undefined,
      "TLS needs both tls.cert_file and tls.key_file",
    ),
    ["tls", "cert_file"],
  ),
  v.forward(
    v.partialCheck(
      [
        ["tls", "cert_file"],
        ["tls", "key_file"],
      ],
      ({ tls }) => tls.key_file !== undefined || tls.cert_file === undefined,
      "TLS needs both tls.cert_file and tls.key_file",
    ),
    ["tls", "key_file"],
  ),
);

export type AgentConfigInput = v.InferInput<typeof agentConfigSchema>;
export type ParsedAgentConfig = v.InferOutput<typeof agentConfigSchema>;
