import { TEST_SUMMARY, errorMessage, formatSummary } from "./format.js";
import type { AlertNotification, Notifier } from "./notification.js";
import { withRetry } from "./retry.js";

export interface WebhookNotifierOptions {
  url: string;
  headers?: Record<string, string>;
  /** Per attempt, including reading the response. Default 10 s. */
  timeoutMs?: number;
  /** Extra attempts after the first. Default 3. */
  retries?: number;
  /** Wait before the first retry, doubling after that. Default 1 s. */
  backoffMs?: number;
  /** Channel name in logs and `testAll()`; default "webhook <host>" (the URL path may hold a secret). */
  name?: string;
}

/** A non-2xx answer. 5xx, 408 and 429 are worth retrying; other 4xx are not. */
export class WebhookHttpError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(detail);
    this.name = "WebhookHttpError";
  }

  get retryable(): boolean {
    return this.status >= 500 || this.status === 408 || this.status === 429;
  }
}

function isRetryable(err: unknown): boolean {
  // Network errors and timeouts are retried; HTTP errors by status.
  return err instanceof WebhookHttpError ? err.retryable : true;
}

/** JSON POST of `{ text, kind, message, alert }`; `text` makes it usable as a Slack incoming webhook. */
export class WebhookNotifier implements Notifier {
  readonly name: string;
  private readonly url: URL;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;

  constructor(options: WebhookNotifierOptions) {
    this.url = new URL(options.url);
    this.headers = { "content-type": "application/json", ...options.headers };
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 3;
    this.backoffMs = options.backoffMs ?? 1000;
    this.name = options.name ?? `webhook ${this.url.host}`;
  }

  async send(n: AlertNotification): Promise<void> {
    const body = JSON.stringify({ text: formatSummary(n), kind: n.kind, message: n.message, alert: n.alert });
    await withRetry(() => this.post(body), { retries: this.retries, backoffMs: this.backoffMs }, isRetryable);
  }

  /** One attempt, no retries, so `--test-notify` answers quickly. */
  async sendTest(): Promise<void> {
    await this.post(JSON.stringify({ text: TEST_SUMMARY, kind: "test", message: TEST_SUMMARY, alert: null }));
  }

  private async post(body: string): Promise<void> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const res = await fetch(this.url, {
        method: "POST",
        headers: this.headers,
        body,
        signal,
        redirect: "error",
      });
      const text = await res.text();
      if (res.status < 200 || res.status > 299) {
        const snippet = text.replace(/\s+/g, " ").trim().slice(0, 200);
        throw new WebhookHttpError(
          res.status,
          `${this.name}: HTTP ${res.status}${snippet === "" ? "" : ` ${snippet}`}`,
        );
      }
    } catch (err) {
      if (err instanceof WebhookHttpError) throw err;
      if (signal.aborted)
        throw new Error(`${this.name}: timed out after ${this.timeoutMs} ms`, { cause: err });
      throw new Error(`${this.name}: ${errorMessage(err)}`, { cause: err });
    }
  }
}
