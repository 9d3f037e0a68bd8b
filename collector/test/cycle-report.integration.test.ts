import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../agent/test/xmlrpc-call.js";
import { logTime } from "./log-lines.js";
import { runCollector, startCollector, writeCollectorConfig } from "./run-collector.js";
import { ScriptedAgent } from "./scripted-agent.js";

const EXIT_NONE_ANSWERED = 3;

describe("collector --once reports the cycle it ran", () => {
  const agent = new ScriptedAgent();
  beforeAll(async () => {
    await agent.start();
  });
  afterAll(async () => {
    await agent.stop();
  });

  it("counts the agents that answered in that cycle, names a first answer, and exits 3 when none answered", async () => {
    const { file } = writeCollectorConfig({
      agents: [{ name: "web-01", host: "127.0.0.1", port: agent.port }],
      poll_interval: 5,
      timeout: 1,
      log_file: null,
    });
    const first = await runCollector(["--config", file, "--once"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/agent web-01 answered: hostname web-01, version test, linux, \d+ ms/);
    expect(first.stderr).toContain("one cycle done: 1 of 1 agent answered");

    // the agent dies: its saved state is still "up" (down_after 3), but this cycle had no answer
    await agent.stop();
    const second = await runCollector(["--config", file, "--once"]);
    expect(second.stderr).toMatch(/poll of web-01 failed: .*refused/);
    expect(second.stderr).toContain("one cycle done: 0 of 1 agent answered");
    expect(second.stderr).not.toContain("answered: hostname");
    expect(second.code).toBe(EXIT_NONE_ANSWERED);
    await agent.start();
  });

  it("documents the exit code in --help", async () => {
    const help = await runCollector(["--help"]);
    expect(help.stdout).toContain("3  --once: no agent answered in that cycle");
  });
});

// A reload that changes only thresholds and notifiers: the next sample meets the new threshold,
// and the alert goes to the webhook that the reloaded config added.
describe("collector reloading thresholds and notifiers", () => {
  const agent = new ScriptedAgent();
  const hooks: Array<{ kind: string; alert: { metric: string } }> = [];
  let receiver: http.Server;

  beforeAll(async () => {
    agent.cpu = 60;
    await agent.start();
    receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        hooks.push(JSON.parse(body) as (typeof hooks)[number]);
        res.end("ok");
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    await agent.stop();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it("applies new thresholds at the next sample and sends to the new webhook, without a restart", async () => {
    const base = {
      agents: [{ name: "web-01", host: "127.0.0.1", port: agent.port }],
      poll_interval: 1,
      timeout: 1,
      log_file: null,
    };
    const { file, dir } = writeCollectorConfig({
      ...base,
      thresholds: { cpu_usage: { warning: 90, for: 1 } },
    });
    const collector = startCollector(file);
    try {
      await waitFor(
        async () => (/agent web-01 answered/.test(collector.output()) ? true : undefined),
        10_000,
      );
      expect(collector.output()).toContain("polling 1 agent every 1 s");
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      writeCollectorConfig(
        { ...base, thresholds: { cpu_usage: { warning: 50, for: 1 } }, alerts: { webhooks: [{ url }] } },
        dir,
      );
      const hupAt = Date.now();
      collector.child.kill("SIGHUP");
      await waitFor(
        async () =>
          logTime(collector.output(), /config reloaded: thresholds changed, notifiers changed/, hupAt - 1000),
        5_000,
      );
      await waitFor(
        async () => (hooks.some((h) => h.alert.metric === "cpu_usage") ? true : undefined),
        10_000,
      );
      expect(hooks.find((h) => h.alert.metric === "cpu_usage")?.kind).toBe("firing");
      expect(collector.output()).toMatch(/alert firing: web-01 cpu_usage/);
      expect(collector.child.exitCode).toBeNull();
    } finally {
      expect(await collector.stop()).toBe(0);
    }
  }, 30_000);
});
