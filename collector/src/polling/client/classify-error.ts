import { describeNotHttp } from "./describe-not-http.js";
import { PollError } from "./poll-error.js";

interface NodeError extends Error {
  code?: string;
  /** OpenSSL's short reason, e.g. "wrong version number"; llhttp's parse error text too. */
  reason?: string;
  hostname?: string;
  /** llhttp: the bytes it could not parse (HPE_* errors). */
  rawPacket?: Buffer;
}

export interface ErrorContext {
  /** The response's status line and headers had arrived. */
  responseStarted: boolean;
  /** The poll was over HTTPS. */
  tls: boolean;
}

const UNREACHABLE: Record<string, string> = {
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EHOSTDOWN: "host down",
  ENETDOWN: "network down",
  EADDRNOTAVAIL: "address not available",
};

const OPENSSL_REASON = /:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+)/;

// Certificate verification codes from OpenSSL, as Node reports them in err.code.
const CERT_CODE =
  /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY|DECRYPT|DECODE)|CRL|CHAIN|PATH_LENGTH|INVALID_(CA|PURPOSE)/;

/**
 * A transport error (connect, TLS, socket, HTTP parsing) as a PollError. `responseStarted` tells
 * a connection closed before any answer (the agent's allowlist closes the socket of a peer it
 * refuses) from one cut in the middle of the answer.
 */
export function classifyError(error: unknown, context: ErrorContext): PollError {
  if (error instanceof PollError) return error;
  const err = (error instanceof Error ? error : new Error(String(error))) as NodeError;
  const code = err.code ?? "";
  const options = { cause: err };
  // llhttp's errors carry a `reason` like OpenSSL's, so they must be told apart before the TLS
  // check: the bytes were not HTTP, which is about what answered, not about TLS.
  if (code.startsWith("HPE_")) {
    return new PollError("bad_response", describeNotHttp(err.rawPacket, err.reason ?? err.message), options);
  }
  if (isTlsError(err, code)) return new PollError("tls", `TLS: ${tlsReason(err)}`, options);
  if (code === "ECONNREFUSED") return new PollError("refused", "connection refused", options);
  if (code === "ECONNRESET" || code === "EPIPE") {
    if (context.responseStarted) {
      return new PollError("bad_response", "bad response: connection closed mid-response", options);
    }
    // A TLS server (the agent's own included) closes a plaintext request without a word, which
    // looks just like the allowlist's refusal; name both causes on a plain-HTTP poll.
    const hint = context.tls
      ? "not on the agent's allowlist?"
      : `not on the agent's allowlist? or a TLS port: set "tls": true`;
    return new PollError("refused", `connection closed before a response (${hint})`, options);
  }
  if (code === "ENOTFOUND")
    return new PollError("unreachable", `host not found: ${err.hostname ?? ""}`, options);
  if (code === "EAI_AGAIN")
    return new PollError("unreachable", `DNS lookup failed: ${err.hostname ?? ""}`, options);
  if (code === "ETIMEDOUT") return new PollError("timeout", "connect timed out", options);
  const text = UNREACHABLE[code];
  if (text !== undefined) return new PollError("unreachable", text, options);
  return new PollError("unreachable", clip(code === "" ? err.message : `${code}: ${err.message}`), options);
}

function isTlsError(err: NodeError, code: string): boolean {
  return (
    code.startsWith("ERR_SSL_") ||
    code.startsWith("ERR_TLS_") ||
    code === "EPROTO" ||
    CERT_CODE.test(code) ||
    err.reason !== undefined
  );
}

// OpenSSL's reasons when the first bytes back are no TLS record: a plain-HTTP server's
// "HTTP/1.1 400" (or any other non-TLS answer) read as a record header.
const NOT_TLS = new Set(["wrong version number", "packet length too long"]);

/** OpenSSL's reason, out of "...:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:...". */
function tlsReason(err: NodeError): string {
  const reason = err.reason ?? OPENSSL_REASON.exec(err.message)?.[1] ?? err.message;
  if (NOT_TLS.has(reason)) {
    return (
      `the agent's port does not speak TLS (OpenSSL: ${reason}); ` +
      `if the agent serves plain HTTP, drop "tls" and "ca_file" for it`
    );
  }
  return clip(reason);
}

export function clip(text: string, max = 200): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
