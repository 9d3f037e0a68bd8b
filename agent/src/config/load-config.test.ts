import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { ConfigError } from "../../../common/src/config/config-error.js";
import { parseAgentConfig } from "./load-config.js";

function problemsOf(input: unknown): string[] {
  try {
    parseAgentConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("agent config", () => {
  it("fills in the documented defaults", () => {
    const config = parseAgentConfig({});
    expect(config).toMatchObject({
      host: "0.0.0.0",
      port: 8000,
      check_interval: 5,
      log_level: "info",
      log_file: null,
      max_body_bytes: 65536,
      metrics: { enable_cpu: true, enable_security: true },
      security: {
        allowed_ips: ["127.0.0.1", "::1"],
        require_auth: false,
        auth_log_paths: ["/var/log/auth.log", "/var/log/secure"],
        suspicious_dirs: ["/tmp", "/var/tmp", "/dev/shm"],
        ssh_window_s: 900,
        ssh_failed_threshold: 10,
      },
    });
    expect(config.token).toBeUndefined();
    expect(Object.isFrozen(config.security.allowed_ips)).toBe(true);
  });

  it("bounds the snapshot's lists by default and takes other limits", () => {
    expect(parseAgentConfig({}).limits).toEqual({
      max_list_items: 50,
      max_ssh_sources: 10,
      max_cpu_cores: 1024,
    });
    expect(parseAgentConfig({ limits: { max_list_items: 5 } }).limits.max_list_items).toBe(5);
    expect(problemsOf({ limits: { max_list_items: 0, max_lists: 3 } })).toHaveLength(2);
  });

  it("accepts a seed config with Python log level names", () => {
    const config = parseAgentConfig({
      host: "0.0.0.0",
      port: 8000,
      check_interval: 10,
      log_level: "WARNING",
      log_file: "/var/log/hostwatch/agent.log",
      metrics: { enable_temperature: false },
      security: { allowed_ips: ["192.168.1.0/24", "10.0.0.5"], require_auth: false },
    });
    expect(config.log_level).toBe("warn");
    expect(config.metrics.enable_temperature).toBe(false);
  });

  it("applies command-line overrides", () => {
    expect(parseAgentConfig({ port: 9000 }, { host: "127.0.0.1", port: 0 })).toMatchObject({
      host: "127.0.0.1",
      port: 0,
    });
  });

  it("lists every problem with the key that has it", () => {
    const problems = problemsOf({
      port: 70000,
      check_interval: "5",
      log_level: "loud",
      metrics: { enable_gpu: true },
      security: { allowed_ips: ["10.0.0.0/8", "300.1.1.1", "::1/129"], require_auth: true },
      tls: { cert_file: "/etc/cert.pem" },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        "port: expected <=65535, got 70000",
        'check_interval: expected number, got "5"',
        'log_level: unknown log level (use debug, info, warn or error, in any case) (got "loud")',
        'metrics.enable_gpu: unknown key (did you mean "enable_cpu"?)',
        'security.allowed_ips[1]: not an IP address or CIDR (got "300.1.1.1")',
        'security.allowed_ips[2]: not an IP address or CIDR (got "::1/129")',
      ]),
    );
  });

  it("takes require_auth without a token as the Python agent did: the allowlist, with one warning", () => {
    const config = parseAgentConfig({ security: { allowed_ips: ["192.168.1.10"], require_auth: true } });
    expect(config.token).toBeUndefined();
    expect(config.warnings).toEqual([
      expect.stringMatching(/^security\.require_auth is true but no token is set/),
    ]);
    expect(parseAgentConfig({ security: { require_auth: true, token: "0123456789abcdef" } })).toMatchObject({
      token: "0123456789abcdef",
      warnings: [],
    });
  });

  it("reports every problem at once: all unknown keys with near misses, and the cross-key checks", () => {
    expect(
      problemsOf({ check_intervall: 5, securty: {}, prot: 1, tls: { cert_file: "/c.pem" }, port: -1 }),
    ).toEqual(
      expect.arrayContaining([
        'check_intervall: unknown key (did you mean "check_interval"?)',
        'securty: unknown key (did you mean "security"?)',
        'prot: unknown key (did you mean "port"?)',
        "port: expected >=0, got -1",
        "tls.key_file: TLS needs both tls.cert_file and tls.key_file",
      ]),
    );
    expect(problemsOf({ tls: { cert_file: "/c.pem" } })).toEqual([
      "tls.key_file: TLS needs both tls.cert_file and tls.key_file",
    ]);
    expect(problemsOf({ colour: "blue" })).toEqual(["colour: unknown key"]);
  });

  it("reads the token from a private token file and refuses a world-readable one", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hostwatch-token-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, "token");
    writeFileSync(file, "0123456789abcdef0123\n", { mode: 0o600 });
    const config = parseAgentConfig({ security: { require_auth: true, token_file: file } });
    expect(config.token).toBe("0123456789abcdef0123");
    chmodSync(file, 0o644);
    expect(problemsOf({ security: { require_auth: true, token_file: file } })[0]).toMatch(/world-readable/);
  });
});
