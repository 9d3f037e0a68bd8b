import { errorMessage } from "./format.js";
import type { AlertNotification, Notifier } from "./notification.js";

export interface NotifyLog {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface DispatcherOptions {
  notifiers: Notifier[];
  log: NotifyLog;
  /** Pending notifications per notifier; beyond it the oldest is dropped. Default 1000. */
  maxQueue?: number;
  /** Guard for one `send` (retries included) of a notifier that never settles. Default 10 min. */
  sendTimeoutMs?: number;
}

export interface TestResult {
  name: string;
  ok: boolean;
  error?: string;
}

interface Channel {
  notifier: Notifier;
  queue: AlertNotification[];
  busy: boolean;
}

function describe(n: AlertNotification): string {
  const { alert } = n;
  return `${n.kind} ${alert.agent} ${alert.metric}${alert.mount === undefined ? "" : ` ${alert.mount}`} (${alert.id})`;
}

/**
 * Fans notifications out to the notifiers without ever blocking the caller: every notifier has its
 * own FIFO worked off in the background, so a slow or dead channel delays only itself. The log line
 * is written here for every notification, whatever the notifiers do.
 */
export class NotificationDispatcher {
  private readonly channels: Channel[];
  private readonly log: NotifyLog;
  private readonly maxQueue: number;
  private readonly sendTimeoutMs: number;
  private idleWaiters: Array<() => void> = [];

  constructor(options: DispatcherOptions) {
    this.channels = options.notifiers.map((notifier) => ({ notifier, queue: [], busy: false }));
    this.log = options.log;
    this.maxQueue = Math.max(1, Math.floor(options.maxQueue ?? 1000));
    this.sendTimeoutMs = options.sendTimeoutMs ?? 600_000;
  }

  /** Logs the notification and queues it for every notifier; returns at once and never throws. */
  dispatch(n: AlertNotification): void {
    this.safeLog(n.kind === "resolved" ? "info" : "warn", `alert ${n.kind}: ${n.message}`);
    for (const channel of this.channels) {
      channel.queue.push(n);
      while (channel.queue.length > this.maxQueue) {
        const dropped = channel.queue.shift();
        if (dropped !== undefined) {
          this.safeLog(
            "error",
            `notify ${channel.notifier.name}: queue full (${this.maxQueue}), dropped ${describe(dropped)}`,
          );
        }
      }
      if (!channel.busy) void this.drain(channel);
    }
  }

  /** Notifications not yet delivered (or given up on), over all notifiers. */
  pending(): number {
    return this.channels.reduce((sum, c) => sum + c.queue.length + (c.busy ? 1 : 0), 0);
  }

  /**
   * Resolves true when every queue is drained, or false once `timeoutMs` (default 30 s) has passed
   * with work still pending (for shutdown and tests).
   */
  idle(timeoutMs = 30_000): Promise<boolean> {
    if (this.isIdle()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.idleWaiters.push(waiter);
    });
  }

  /** Sends a test message through every notifier at once, bypassing the queues (`--test-notify`). */
  async testAll(): Promise<TestResult[]> {
    return Promise.all(
      this.channels.map(async ({ notifier }): Promise<TestResult> => {
        try {
          await notifier.sendTest();
          return { name: notifier.name, ok: true };
        } catch (err) {
          return { name: notifier.name, ok: false, error: errorMessage(err) };
        }
      }),
    );
  }

  /** Waits (bounded) for the queues, then closes the notifiers. */
  async close(timeoutMs = 30_000): Promise<void> {
    const drained = await this.idle(timeoutMs);
    if (!drained) this.safeLog("warn", `notify: closing with ${this.pending()} notification(s) undelivered`);
    for (const { notifier } of this.channels) {
      try {
        await notifier.close?.();
      } catch (err) {
        this.safeLog("warn", `notify ${notifier.name}: close failed: ${errorMessage(err)}`);
      }
    }
  }

  private isIdle(): boolean {
    return this.channels.every((c) => !c.busy && c.queue.length === 0);
  }

  private async drain(channel: Channel): Promise<void> {
    channel.busy = true;
    try {
      await Promise.resolve(); // start after dispatch() has returned
      for (let n = channel.queue.shift(); n !== undefined; n = channel.queue.shift()) {
        try {
          await this.guardedSend(channel.notifier, n);
        } catch (err) {
          this.safeLog(
            "error",
            `notify ${channel.notifier.name} failed for ${describe(n)}: ${errorMessage(err)}`,
          );
        }
      }
    } finally {
      channel.busy = false;
    }
    if (this.isIdle()) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const waiter of waiters) waiter();
    }
  }

  private async guardedSend(notifier: Notifier, n: AlertNotification): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`gave up waiting after ${this.sendTimeoutMs} ms`)),
        this.sendTimeoutMs,
      );
    });
    try {
      await Promise.race([notifier.send(n), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private safeLog(level: keyof NotifyLog, msg: string): void {
    try {
      this.log[level](msg);
    } catch {
      // A broken logger must not break polling.
    }
  }
}
