import http from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import path from "node:path";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../agent/test/xmlrpc-call.js";
import { runCollector, startCollector, writeCollectorConfig } from "./run-collector.js";
import { deadPort } from "./tcp-proxy.js";
import { ScriptedAgent } from "./scripted-agent.js";

interface Mail {
  to: string[];
  raw: string;
}
interface Hook {
  text: string;
  kind: string;
  alert: { metric: string; severity: string; state: string };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("alerts from a collector polling a scripted agent", () => {
  const mails: Mail[] = [];
  const hooks: Hook[] = [];
  const agent = new ScriptedAgent();
  let smtp: SMTPServer;
  let receiver: http.Server;
  let config: { file: string; dir: string };

  beforeAll(async () => {
    smtp = new SMTPServer({
      logger: false,
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onData(stream, session, callback) {
        let raw = "";
        stream.on("data", (chunk: Buffer) => (raw += chunk.toString()));
        stream.on("end", () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", () => resolve()));
    receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        hooks.push(JSON.parse(body) as Hook);
        res.end("ok");
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    await agent.start();
    config = writeCollectorConfig({
      agents: [{ name: "web-01", host: "127.0.0.1", port: agent.port, email: "web-team@example.com" }],
      poll_interval: 1,
      timeout: 1,
      thresholds: { cpu_usage: { warning: 80, critical: 95, for: 2 } },
      alerts: {
        down_after: 2,
        repeat_interval: 0,
        email: {
          host: "127.0.0.1",
          port: (smtp.server.address() as AddressInfo).port,
          from: "hostwatch@example.com",
          to: ["ops@example.com"],
        },
        webhooks: [{ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` }],
      },
    });
    const withDir = JSON.parse(readFileSync(config.file, "utf8")) as object;
    config = writeCollectorConfig(
      { ...withDir, storage: { dir: path.join(config.dir, "data") } },
      config.dir,
    );
  });

  afterAll(async () => {
    await agent.stop();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it("sends exactly one message per state change, by e-mail and webhook, across a restart", async () => {
    let collector = startCollector(config.file);
    const kinds = () => hooks.map((h) => `${h.kind} ${h.alert.metric} ${h.alert.severity}`);
    const waitForHooks = (n: number) => waitFor(async () => (hooks.length >= n ? true : undefined), 15_000);

    agent.cpu = 50;
    await sleep(2_500);
    expect(hooks).toHaveLength(0);

    agent.cpu = 85;
    await waitForHooks(1);
    agent.cpu = 97;
    await waitForHooks(2);
    expect(kinds()).toEqual(["firing cpu_usage warning", "escalated cpu_usage critical"]);

    // a restart while the alert fires neither re-sends nor forgets it
    expect(await collector.stop()).toBe(0);
    collector = startCollector(config.file);
    await sleep(3_000);
    expect(hooks).toHaveLength(2);

    agent.cpu = 10;
    await waitForHooks(3);
    await agent.stop();
    await waitForHooks(4);
    await agent.start();
    await waitForHooks(5);
    await sleep(2_000);
    expect(await collector.stop()).toBe(0);

    expect(kinds()).toEqual([
      "firing cpu_usage warning",
      "escalated cpu_usage critical",
      "resolved cpu_usage critical",
      "firing agent_down critical",
      "resolved agent_down critical",
    ]);
    expect(hooks[0]?.text).toContain("web-01 cpu_usage");

    await waitFor(async () => (mails.length >= 5 ? true : undefined), 10_000);
    expect(mails).toHaveLength(5);
    for (const mail of mails) expect(mail.to.sort()).toEqual(["ops@example.com", "web-team@example.com"]);
    expect(mails[0]?.raw).toMatch(/Subject: \[hostwatch\] FIRING warning: web-01 cpu_usage 8\d(\.\d+)?%/);
    expect(mails[0]?.raw).toContain("Agent:");
    expect(mails[2]?.raw).toContain("Subject: [hostwatch] RESOLVED: web-01 cpu_usage");

    const history = readFileSync(path.join(config.dir, "data", "alerts.jsonl"), "utf8")
      .trim()
      .split("\n");
    expect(history.map((line) => (JSON.parse(line) as { kind: string }).kind)).toEqual([
      "firing",
      "escalated",
      "resolved",
      "firing",
      "resolved",
    ]);
  }, 90_000);

  it("--test-notify sends a test message through every channel and reports each result", async () => {
    const before = { mails: mails.length, hooks: hooks.length };
    const ok = await runCollector(["--config", config.file, "--test-notify"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^OK +email/m);
    expect(ok.stdout).toMatch(/^OK +webhook/m);
    expect(mails.length).toBe(before.mails + 1);
    expect(hooks.length).toBe(before.hooks + 1);

    const broken = JSON.parse(readFileSync(config.file, "utf8")) as {
      alerts: { webhooks: Array<{ url: string }> };
    };
    broken.alerts.webhooks = [{ url: `http://127.0.0.1:${await deadPort()}/hook` }];
    const failing = await runCollector(["--config", writeCollectorConfig(broken).file, "--test-notify"]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/^FAILED webhook/m);
  });
});
