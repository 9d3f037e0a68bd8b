import { createServer } from "node:http";
import type { IncomingHttpHeaders, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NotificationDispatcher } from "./dispatcher.js";
import { diskFiring } from "../../../test/support/alert-notifications.js";
import type { AlertNotification } from "./notification.js";
import { WebhookNotifier } from "./webhook-notifier.js";

interface Received {
  method: string | undefined;
  path: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on 127.0.0.1 that records every request and answers as `respond` says. */
class Receiver {
  readonly received: Received[] = [];
  /** Status for the n-th request (0-based), or "hang" to never answer. */
  respond: (index: number) => number | "hang" = () => 200;
  private readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const index = this.received.length;
        this.received.push({
          method: req.method,
          path: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        });
        const status = this.respond(index);
        if (status === "hang") return;
        res.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : "nope");
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/T000/secret`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const notification: AlertNotification = {
  ...diskFiring,
  message: "web-01 disk /var at 96.2% (critical >= 95%)",
};

let receiver: Receiver;
let url: string;

beforeEach(async () => {
  receiver = new Receiver();
  url = await receiver.start();
});

afterEach(async () => {
  await receiver.stop();
});

describe("WebhookNotifier", () => {
  it("POSTs the JSON payload with the configured headers", async () => {
    const notifier = new WebhookNotifier({ url, headers: { authorization: "Bearer t0ken" } });
    await notifier.send(notification);

    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/hooks/T000/secret");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.headers.authorization).toBe("Bearer t0ken");
    expect(JSON.parse(request?.body ?? "")).toEqual({
      text: "[hostwatch] FIRING critical: web-01 disk_usage /var 96.2% (>= 95%)",
      kind: "firing",
      message: notification.message,
      alert: notification.alert,
    });
    expect(notifier.name).toMatch(/^webhook 127\.0\.0\.1:\d+$/);
  });

  it("retries 5xx answers with backoff until one succeeds", async () => {
    receiver.respond = (index) => (index < 2 ? 500 : 200);
    const notifier = new WebhookNotifier({ url, retries: 3, backoffMs: 20 });
    const started = Date.now();
    await notifier.send(notification);

    expect(receiver.received).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(20 + 40 - 5);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
  });

  it("retries 429 and 408 too", async () => {
    receiver.respond = (index) => [429, 408, 204][index] ?? 500;
    await new WebhookNotifier({ url, backoffMs: 1 }).send(notification);
    expect(receiver.received).toHaveLength(3);
  });

  it("throws after the last attempt", async () => {
    receiver.respond = () => 503;
    const notifier = new WebhookNotifier({ url, retries: 2, backoffMs: 1 });
    await expect(notifier.send(notification)).rejects.toThrow(/HTTP 503 nope \(gave up after 3 attempts\)/);
    expect(receiver.received).toHaveLength(3);
  });

  it("does not retry a 400", async () => {
    receiver.respond = () => 400;
    const notifier = new WebhookNotifier({ url, retries: 3, backoffMs: 1 });
    await expect(notifier.send(notification)).rejects.toThrow(/HTTP 400/);
    expect(receiver.received).toHaveLength(1);
  });

  it("times out a receiver that never answers, and retries it", async () => {
    receiver.respond = () => "hang";
    const notifier = new WebhookNotifier({ url, timeoutMs: 150, retries: 1, backoffMs: 1 });
    const started = Date.now();
    await expect(notifier.send(notification)).rejects.toThrow(/timed out after 150 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(receiver.received).toHaveLength(2);
  });

  it("fails on a refused connection without leaking the URL path", async () => {
    const deadUrl = url;
    await receiver.stop();
    receiver = new Receiver();
    await receiver.start();
    const notifier = new WebhookNotifier({ url: deadUrl, retries: 1, backoffMs: 1 });
    const error = await notifier.send(notification).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect((error as Error).message).not.toMatch(/secret/);
  });

  it("sendTest makes a single attempt with a test payload", async () => {
    await new WebhookNotifier({ url }).sendTest();
    expect(JSON.parse(receiver.received[0]?.body ?? "")).toMatchObject({
      text: "[hostwatch] TEST: notification channel check",
      kind: "test",
    });

    receiver.respond = () => 500;
    await expect(new WebhookNotifier({ url, backoffMs: 1 }).sendTest()).rejects.toThrow(/HTTP 500/);
    expect(receiver.received).toHaveLength(2);
  });
});

describe("NotificationDispatcher with real webhooks", () => {
  it("keeps delivering to a healthy webhook while another one hangs", async () => {
    const hanging = new Receiver();
    const hangingUrl = await hanging.start();
    hanging.respond = () => "hang";
    try {
      const errors: string[] = [];
      const dispatcher = new NotificationDispatcher({
        notifiers: [
          new WebhookNotifier({ url: hangingUrl, name: "stuck", timeoutMs: 300, retries: 0 }),
          new WebhookNotifier({ url, name: "good" }),
        ],
        log: { info: () => undefined, warn: () => undefined, error: (msg) => errors.push(msg) },
      });
      dispatcher.dispatch(notification);
      dispatcher.dispatch({ ...notification, kind: "repeat" });

      const deadline = Date.now() + 2000;
      while (receiver.received.length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(receiver.received).toHaveLength(2);
      expect(hanging.received).toHaveLength(1); // the second one waits behind the first
      expect(errors).toEqual([]);

      expect(await dispatcher.idle(5000)).toBe(true);
      expect(hanging.received).toHaveLength(2);
      expect(errors).toHaveLength(2);
      expect(errors[0]).toMatch(
        /^notify stuck failed for firing web-01 disk_usage \/var \(a-1\): .*timed out/,
      );
    } finally {
      await hanging.stop();
    }
  });
});
