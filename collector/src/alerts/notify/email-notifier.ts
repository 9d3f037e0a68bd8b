import type { ConnectionOptions } from "node:tls";
import nodemailer from "nodemailer";
import type { Transporter } from "nodemailer";
import { TEST_SUMMARY, errorMessage, formatBody, formatSummary, formatTestBody } from "./format.js";
import type { AlertNotification, Notifier } from "./notification.js";
import { withRetry } from "./retry.js";

export interface EmailNotifierOptions {
  host: string;
  port: number;
  /** Implicit TLS (usually port 465). When false, STARTTLS is used if the server offers it. */
  secure: boolean;
  /** AUTH is used only when a user is set. */
  user?: string;
  password?: string;
  from: string;
  to: string[];
  /** Extra recipients for one agent (agents[].email). */
  recipientsFor?: (agent: string) => string[];
  /** Bound of one delivery attempt: connect, greeting, each command and the whole send. Default 20 s. */
  timeoutMs?: number;
  /** Extra attempts after the first for connection failures and 4xx replies. Default 2. */
  retries?: number;
  /** Wait before the first retry, doubling after that. Default 1 s. */
  backoffMs?: number;
  /** TLS options, e.g. `{ ca }` for a private CA. */
  tls?: ConnectionOptions;
  /** Channel name in logs and `testAll()`. Default "email". */
  name?: string;
}

interface SmtpError {
  code?: unknown;
  responseCode?: unknown;
}

/** Connection trouble and 4xx replies are transient; 5xx replies and auth failures are not. */
function isRetryable(err: unknown): boolean {
  const { code, responseCode } = (err ?? {}) as SmtpError;
  if (typeof responseCode === "number") return responseCode >= 400 && responseCode < 500;
  return code !== "EAUTH" && code !== "ENOAUTH" && code !== "EENVELOPE" && code !== "EMESSAGE";
}

/** Unique addresses, case-insensitively, in first-seen order. */
function uniqueAddresses(addresses: Iterable<string>): string[] {
  const seen = new Map<string, string>();
  for (const address of addresses) {
    const trimmed = address.trim();
    if (trimmed !== "" && !seen.has(trimmed.toLowerCase())) seen.set(trimmed.toLowerCase(), trimmed);
  }
  return [...seen.values()];
}

/** Plain-text alert e-mails over SMTP (nodemailer); one connection per message. */
export class EmailNotifier implements Notifier {
  readonly name: string;
  private readonly transport: Transporter;
  private readonly options: EmailNotifierOptions;
  private readonly timeoutMs: number;

  constructor(options: EmailNotifierOptions) {
    this.options = options;
    this.name = options.name ?? "email";
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.transport = nodemailer.createTransport({
      host: options.host,
      port: options.port,
      secure: options.secure,
      auth: options.user === undefined ? undefined : { user: options.user, pass: options.password ?? "" },
      connectionTimeout: this.timeoutMs,
      greetingTimeout: this.timeoutMs,
      socketTimeout: this.timeoutMs,
      dnsTimeout: this.timeoutMs,
      tls: options.tls,
    });
  }

  /** The global `to` plus the agent's own recipients, without duplicates. */
  recipients(agent: string): string[] {
    return uniqueAddresses([...this.options.to, ...(this.options.recipientsFor?.(agent) ?? [])]);
  }

  async send(n: AlertNotification): Promise<void> {
    const to = this.recipients(n.alert.agent);
    await withRetry(
      () => this.deliver(to, formatSummary(n), formatBody(n)),
      { retries: this.options.retries ?? 2, backoffMs: this.options.backoffMs ?? 1000 },
      isRetryable,
    );
  }

  /** One attempt to the global `to` recipients, no retries. */
  async sendTest(): Promise<void> {
    await this.deliver(uniqueAddresses(this.options.to), TEST_SUMMARY, formatTestBody());
  }

  close(): void {
    this.transport.close();
  }

  private async deliver(to: string[], subject: string, text: string): Promise<void> {
    if (to.length === 0) {
      throw Object.assign(new Error(`${this.name}: no recipients (set alerts.email.to or agents[].email)`), {
        code: "EENVELOPE",
      });
    }
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      await this.transport.sendMail({ from: this.options.from, to, subject, text, signal });
    } catch (err) {
      const message = signal.aborted ? `timed out after ${this.timeoutMs} ms` : errorMessage(err);
      const { code, responseCode } = (err ?? {}) as SmtpError;
      throw Object.assign(new Error(`${this.name}: ${message}`, { cause: err }), {
        code: signal.aborted ? "ETIMEDOUT" : code,
        responseCode,
      });
    }
  }
}
