import http from "node:http";
import https from "node:https";
import { DECODE_DEFAULTS, decodeMethodResponse, encodeCall } from "../../../../common/src/xmlrpc/index.js";
import type { MethodResponse, XmlRpcValue } from "../../../../common/src/xmlrpc/index.js";
import { classifyError, clip } from "./classify-error.js";
import { PollError } from "./poll-error.js";
import { callSignal } from "./call-signal.js";

export interface AgentClientOptions {
  /** http(s)://host:port/RPC2 */
  url: string;
  /** Sent as HTTP Basic, user "hostwatch". */
  token?: string | undefined;
  /** Trusted instead of the system's CAs for an https URL. */
  ca?: Buffer | undefined;
  /** Covers connecting, sending and reading the whole answer. */
  timeoutMs: number;
  maxResponseBytes: number;
  /** Shared or custom agent; by default the client owns a keep-alive agent for its one target. */
  agent?: http.Agent | https.Agent | undefined;
}

/** Per call: a tighter deadline than the client's `timeoutMs`, and a way to cancel. */
export interface CallLimits {
  /** Used when below the client's `timeoutMs`. */
  timeoutMs?: number | undefined;
  /** Aborting it ends the call with a PollError of kind "aborted". */
  signal?: AbortSignal | undefined;
}

/** XML-RPC client for one agent, on node:http(s) with a keep-alive connection. */
export class AgentClient {
  private readonly url: URL;
  private readonly secure: boolean;
  private readonly transport: typeof http | typeof https;
  private readonly agent: http.Agent;
  private readonly ownsAgent: boolean;
  private readonly headers: Record<string, string>;

  constructor(private readonly options: AgentClientOptions) {
    this.url = new URL(options.url);
    const secure = this.url.protocol === "https:";
    this.secure = secure;
    this.transport = secure ? https : http;
    this.ownsAgent = options.agent === undefined;
    const agentOptions: http.AgentOptions = {
      keepAlive: true,
      maxSockets: 2,
      maxFreeSockets: 1,
      scheduling: "lifo",
    };
    this.agent =
      options.agent ??
      (secure ? new https.Agent({ ...agentOptions, ca: options.ca }) : new http.Agent(agentOptions));
    this.headers = { "Content-Type": "text/xml", "User-Agent": "hostwatch-collector" };
    if (options.token !== undefined && options.token !== "") {
      this.headers.Authorization = `Basic ${Buffer.from(`hostwatch:${options.token}`).toString("base64")}`;
    }
  }

  /**
   * Resolves with the method's result. Every failure of the transport or the agent rejects with
   * a PollError; only a method name or params that cannot be encoded throw a plain Error.
   */
  async call(method: string, params: unknown[] = [], limits: CallLimits = {}): Promise<XmlRpcValue> {
    const body = Buffer.from(encodeCall(method, params));
    const timeoutMs = Math.min(this.options.timeoutMs, limits.timeoutMs ?? Infinity);
    const call = callSignal(timeoutMs, limits.signal);
    // Which of the two fired decides the error: a cancelled call is not the agent's timeout.
    const aborted = (cause: unknown): PollError =>
      call.cancelled
        ? new PollError("aborted", "poll aborted", { cause })
        : new PollError("timeout", `timeout after ${timeoutMs} ms`, { cause });
    let answer: Buffer;
    try {
      answer = await this.send(body, call.signal, aborted, true);
    } finally {
      call.dispose();
    }
    let response: MethodResponse;
    try {
      response = decodeMethodResponse(answer, {
        maxStringLength: Math.max(DECODE_DEFAULTS.maxStringLength, this.options.maxResponseBytes),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new PollError("bad_response", `bad response: not XML-RPC (${clip(reason)})`, { cause: error });
    }
    if (response.kind === "fault") {
      throw new PollError("fault", clip(`fault ${response.code}: ${response.message}`));
    }
    return response.value;
  }

  /** Closes idle connections (and, if it owns the agent, any in flight). */
  close(): void {
    if (this.ownsAgent) this.agent.destroy();
  }

  private send(
    body: Buffer,
    signal: AbortSignal,
    aborted: (cause: unknown) => PollError,
    mayRetry: boolean,
  ): Promise<Buffer> {
    const { maxResponseBytes } = this.options;
    return new Promise((resolve, reject) => {
      let settled = false;
      let responseStarted = false;
      const req = this.transport.request(this.url, {
        method: "POST",
        agent: this.agent,
        ca: this.options.ca,
        headers: { ...this.headers, "Content-Length": String(body.length) },
        signal,
      });
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        signal.removeEventListener("abort", onAbort);
        return true;
      };
      const fail = (error: unknown): void => {
        if (!settle()) return;
        req.destroy();
        reject(signal.aborted ? aborted(error) : classifyError(error, { responseStarted, tls: this.secure }));
      };
      const onAbort = (): void => fail(signal.reason);
      signal.addEventListener("abort", onAbort);

      req.on("error", (error: Error & { code?: string }) => {
        // A kept-alive socket the agent closed while idle: the request never reached it, so
        // sending it again on a fresh connection is safe (the agent's methods only read).
        if (mayRetry && !responseStarted && req.reusedSocket && isReset(error.code) && settle()) {
          this.send(body, signal, aborted, false).then(resolve, reject);
          return;
        }
        fail(error);
      });
      req.on("response", (res) => {
        responseStarted = true;
        res.on("error", fail);
        if (res.statusCode !== 200) return fail(new PollError("http", `HTTP ${res.statusCode ?? "?"}`));
        const tooLarge = () => new PollError("too_large", `response larger than ${maxResponseBytes} bytes`);
        if (Number(res.headers["content-length"] ?? 0) > maxResponseBytes) return fail(tooLarge());
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxResponseBytes) fail(tooLarge());
          else chunks.push(chunk);
        });
        res.on("end", () => {
          if (settle()) resolve(Buffer.concat(chunks, size));
        });
      });
      req.end(body);
    });
  }
}

function isReset(code: string | undefined): boolean {
  return code === "ECONNRESET" || code === "EPIPE";
}
