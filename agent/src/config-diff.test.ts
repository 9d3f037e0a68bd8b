import { describe, expect, it } from "vitest";
import { parseAgentConfig } from "./config/load-config.js";
import { describeAgentDiff, diffAgentConfigs } from "./config-diff.js";

const TOKEN = "0123456789abcdef-token";

describe("agent config diff of a reload", () => {
  const started = parseAgentConfig({ name: "web-01", security: { allowed_ips: ["127.0.0.1"] } });

  it("names what a reload applies, and the keys that need a restart", () => {
    const next = parseAgentConfig({
      name: "web-01",
      port: 9000,
      tls: { cert_file: "/etc/c.pem", key_file: "/etc/k.pem" },
      security: { allowed_ips: ["10.0.0.0/8"], require_auth: true, token: TOKEN, suspicious_dirs: ["/tmp"] },
      metrics: { enable_processes: false },
    });
    const diff = diffAgentConfigs(started, started, next);
    expect(describeAgentDiff(diff, next)).toBe(
      "allowlist changed (10.0.0.0/8), token changed, families disabled (processes), security check settings changed",
    );
    expect(diff.needsRestart).toEqual(["port", "tls"]);
  });

  it("says nothing changed for the same config, and names auth turned off and families enabled", () => {
    expect(describeAgentDiff(diffAgentConfigs(started, started, started), started)).toBe("nothing changed");
    const locked = parseAgentConfig({
      name: "web-01",
      security: { allowed_ips: ["127.0.0.1"], require_auth: true, token: TOKEN },
      metrics: { enable_cpu: false },
    });
    expect(describeAgentDiff(diffAgentConfigs(started, locked, started), started)).toBe(
      "token auth turned off, families enabled (cpu)",
    );
  });
});
