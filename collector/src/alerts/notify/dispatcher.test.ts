import { describe, expect, it } from "vitest";
import { NotificationDispatcher } from "./dispatcher.js";
import type { AlertNotification, Notifier } from "./notification.js";

function notification(id: string, kind: AlertNotification["kind"] = "firing"): AlertNotification {
  return {
    kind,
    message: `message ${id}`,
    alert: {
      id,
      key: `web-01/cpu_usage/${id}`,
      agent: "web-01",
      metric: "cpu_usage",
      severity: "warning",
      state: kind === "resolved" ? "resolved" : "firing",
      value: 91,
      threshold: 80,
      started_at: "2025-01-02T03:04:05.000Z",
      resolved_at: null,
      last_notified_at: "2025-01-02T03:04:05.000Z",
    },
  };
}

class FakeNotifier implements Notifier {
  readonly sent: string[] = [];
  readonly started: string[] = [];
  closed = false;
  constructor(
    readonly name: string,
    private readonly behaviour: (n: AlertNotification) => Promise<void> = () => Promise.resolve(),
  ) {}
  async send(n: AlertNotification): Promise<void> {
    this.started.push(n.alert.id);
    await this.behaviour(n);
    this.sent.push(n.alert.id);
  }
  async sendTest(): Promise<void> {
    await this.behaviour(notification("test"));
  }
  close(): void {
    this.closed = true;
  }
}

function recorder() {
  const lines: Array<[string, string]> = [];
  return {
    lines,
    log: {
      info: (msg: string) => lines.push(["info", msg]),
      warn: (msg: string) => lines.push(["warn", msg]),
      error: (msg: string) => lines.push(["error", msg]),
    },
  };
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A promise the test resolves by hand. */
function gate() {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe("NotificationDispatcher", () => {
  it("logs every notification itself, even without notifiers", async () => {
    const { lines, log } = recorder();
    const dispatcher = new NotificationDispatcher({ notifiers: [], log });
    dispatcher.dispatch(notification("a"));
    dispatcher.dispatch(notification("a", "resolved"));
    expect(lines).toEqual([
      ["warn", "alert firing: message a"],
      ["info", "alert resolved: message a"],
    ]);
    expect(await dispatcher.idle(100)).toBe(true);
  });

  it("returns from dispatch() at once and delivers in order in the background", async () => {
    const { open, opened } = gate();
    const slow = new FakeNotifier("slow", () => opened);
    const dispatcher = new NotificationDispatcher({ notifiers: [slow], log: recorder().log });

    const started = performance.now();
    for (const id of ["1", "2", "3"]) dispatcher.dispatch(notification(id));
    expect(performance.now() - started).toBeLessThan(50);
    expect(slow.started).toEqual([]); // nothing runs inside dispatch()

    expect(await dispatcher.idle(50)).toBe(false);
    expect(slow.started).toEqual(["1"]);
    expect(dispatcher.pending()).toBe(3);
    open();
    expect(await dispatcher.idle(1000)).toBe(true);
    expect(slow.sent).toEqual(["1", "2", "3"]);
    expect(dispatcher.pending()).toBe(0);
  });

  it("does not let a failing or hanging notifier block another", async () => {
    const { lines, log } = recorder();
    const { open, opened } = gate();
    const failing = new FakeNotifier("failing", () => Promise.reject(new Error("smtp down")));
    const hanging = new FakeNotifier("hanging", () => opened);
    const good = new FakeNotifier("good");
    const dispatcher = new NotificationDispatcher({ notifiers: [failing, hanging, good], log });

    expect(() => {
      dispatcher.dispatch(notification("1"));
      dispatcher.dispatch(notification("2"));
    }).not.toThrow();
    for (let i = 0; i < 100 && good.sent.length < 2; i++) await wait(5);

    expect(good.sent).toEqual(["1", "2"]);
    expect(failing.started).toEqual(["1", "2"]);
    expect(hanging.sent).toEqual([]);
    expect(lines.filter(([level]) => level === "error")).toEqual([
      ["error", "notify failing failed for firing web-01 cpu_usage (1): smtp down"],
      ["error", "notify failing failed for firing web-01 cpu_usage (2): smtp down"],
    ]);

    open();
    expect(await dispatcher.idle(1000)).toBe(true);
    expect(hanging.sent).toEqual(["1", "2"]);
  });

  it("gives up on a send that never settles after sendTimeoutMs", async () => {
    const { lines, log } = recorder();
    const stuck = new FakeNotifier("stuck", () => new Promise<void>(() => undefined));
    const dispatcher = new NotificationDispatcher({ notifiers: [stuck], log, sendTimeoutMs: 30 });
    dispatcher.dispatch(notification("1"));
    dispatcher.dispatch(notification("2"));
    expect(await dispatcher.idle(1000)).toBe(true);
    expect(stuck.started).toEqual(["1", "2"]);
    expect(lines.filter(([level]) => level === "error")).toHaveLength(2);
    expect(lines.at(-1)?.[1]).toMatch(/gave up waiting after 30 ms/);
  });

  it("bounds the queue by dropping the oldest with an error log", async () => {
    const { lines, log } = recorder();
    const { open, opened } = gate();
    const down = new FakeNotifier("down", () => opened);
    const dispatcher = new NotificationDispatcher({ notifiers: [down], log, maxQueue: 2 });
    dispatcher.dispatch(notification("1"));
    await wait(0); // "1" is now being sent, no longer queued
    for (const id of ["2", "3", "4", "5"]) dispatcher.dispatch(notification(id));
    open();
    expect(await dispatcher.idle(1000)).toBe(true);

    // "1" was already being sent when the queue filled up; "2" and "3" were dropped.
    expect(down.sent).toEqual(["1", "4", "5"]);
    expect(lines.filter(([level]) => level === "error").map(([, msg]) => msg)).toEqual([
      "notify down: queue full (2), dropped firing web-01 cpu_usage (2)",
      "notify down: queue full (2), dropped firing web-01 cpu_usage (3)",
    ]);
  });

  it("testAll reports every channel", async () => {
    const dispatcher = new NotificationDispatcher({
      notifiers: [
        new FakeNotifier("email", () => Promise.reject(new Error("ECONNREFUSED"))),
        new FakeNotifier("webhook example.com"),
      ],
      log: recorder().log,
    });
    expect(await dispatcher.testAll()).toEqual([
      { name: "email", ok: false, error: "ECONNREFUSED" },
      { name: "webhook example.com", ok: true },
    ]);
  });

  it("close() waits for the queues and closes the notifiers", async () => {
    const notifier = new FakeNotifier("n", () => wait(20));
    const dispatcher = new NotificationDispatcher({ notifiers: [notifier], log: recorder().log });
    dispatcher.dispatch(notification("1"));
    await dispatcher.close(1000);
    expect(notifier.sent).toEqual(["1"]);
    expect(notifier.closed).toBe(true);
  });

  it("survives a logger that throws", async () => {
    const broken = {
      info: () => {
        throw new Error("disk full");
      },
      warn: () => {
        throw new Error("disk full");
      },
      error: () => {
        throw new Error("disk full");
      },
    };
    const good = new FakeNotifier("good", () => Promise.reject(new Error("x")));
    const dispatcher = new NotificationDispatcher({ notifiers: [good], log: broken });
    expect(() => dispatcher.dispatch(notification("1"))).not.toThrow();
    expect(await dispatcher.idle(1000)).toBe(true);
  });
});
