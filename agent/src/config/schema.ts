import { isIP } from "node:net";
import { z } from "zod";

/** Python's logging level names (seed configs) are accepted next to winston's. */
const LOG_LEVELS: Record<string, string> = {
  debug: "debug",
  info: "info",
  warn: "warn",
  warning: "warn",
  error: "error",
  critical: "error",
};

const logLevel = z
  .string()
  .transform((value, ctx) => {
    const level = LOG_LEVELS[value.toLowerCase()];
    if (level === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `unknown log level "${value}" (use debug, info, warn or error)`,
      });
      return z.NEVER;
    }
    return level;
  })
  .default("info");

export function isIpOrCidr(entry: string): boolean {
  const [address = "", prefix, extra] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

const ipOrCidr = z.string().refine(isIpOrCidr, { message: "not an IP address or CIDR" });
const port = z.number().int().min(0).max(65535);
const flag = z.boolean().default(true);
const nonEmptyPath = z.string().min(1);

export const agentConfigSchema = z
  .strictObject({
    name: z.string().min(1).optional(),
    host: z.string().min(1).default("0.0.0.0"),
    port: port.default(8000),
    check_interval: z.number().positive().max(3600).default(5),
    log_level: logLevel,
    log_file: nonEmptyPath.nullable().default(null),
    log_max_size: z
      .string()
      .regex(/^\d+[kmg]?$/i, "a size like 10m or 500k")
      .default("10m"),
    log_max_files: z.number().int().min(1).default(5),
    state_dir: nonEmptyPath.optional(),
    max_body_bytes: z
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024)
      .default(64 * 1024),
    max_connections: z.number().int().min(1).default(256),
    metrics: z
      .strictObject({
        enable_temperature: flag,
        enable_cpu: flag,
        enable_memory: flag,
        enable_disk: flag,
        enable_network: flag,
        enable_processes: flag,
        enable_security: flag,
      })
      .prefault({}),
    security: z
      .strictObject({
        allowed_ips: z.array(ipOrCidr).default(["127.0.0.1", "::1"]),
        require_auth: z.boolean().default(false),
        token: z.string().min(16, "a token needs at least 16 characters").optional(),
        token_file: nonEmptyPath.optional(),
        auth_log_paths: z.array(nonEmptyPath).default(["/var/log/auth.log", "/var/log/secure"]),
        suspicious_dirs: z.array(nonEmptyPath).default(["/tmp", "/var/tmp", "/dev/shm"]),
        expected_ports: z.array(port).optional(),
        ssh_window_s: z.number().int().positive().default(900),
        ssh_failed_threshold: z.number().int().positive().default(10),
      })
      .prefault({}),
    tls: z
      .strictObject({
        cert_file: nonEmptyPath.optional(),
        key_file: nonEmptyPath.optional(),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    const { security, tls } = config;
    if (security.require_auth && security.token === undefined && security.token_file === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["security", "token"],
        message: "require_auth is true but neither security.token nor security.token_file is set",
      });
    }
    if (security.token !== undefined && security.token_file !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["security", "token_file"],
        message: "set security.token or security.token_file, not both",
      });
    }
    if ((tls.cert_file === undefined) !== (tls.key_file === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["tls", tls.cert_file === undefined ? "cert_file" : "key_file"],
        message: "TLS needs both tls.cert_file and tls.key_file",
      });
    }
  });

export type AgentConfigInput = z.input<typeof agentConfigSchema>;
export type ParsedAgentConfig = z.output<typeof agentConfigSchema>;
