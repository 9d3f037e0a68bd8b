import { PollError } from "./poll-error.js";

interface NodeError extends Error {
  code?: string;
  /** OpenSSL's short reason, e.g. "wrong version number". */
  reason?: string;
  hostname?: string;
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
 * A transport error (connect, TLS, socket) as a PollError. `responseStarted` tells a connection
 * closed before any answer (the agent's allowlist closes the socket of a peer it refuses)
 * from one cut in the middle of the answer.
 */
export function classifyError(error: unknown, responseStarted: boolean): PollError {
  if (error instanceof PollError) return error;
  const err = (error instanceof Error ? error : new Error(String(error))) as NodeError;
  const code = err.code ?? "";
  const options = { cause: err };
  if (isTlsError(err, code)) return new PollError("tls", `TLS: ${tlsReason(err)}`, options);
  if (code === "ECONNREFUSED") return new PollError("refused", "connection refused", options);
  if (code === "ECONNRESET" || code === "EPIPE") {
    return responseStarted
      ? new PollError("bad_response", "bad response: connection closed mid-response", options)
      : new PollError(
          "refused",
          "connection closed before a response (not on the agent's allowlist?)",
          options,
        );
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

/** OpenSSL's reason, out of "...:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:...". */
function tlsReason(err: NodeError): string {
  const reason = err.reason ?? OPENSSL_REASON.exec(err.message)?.[1] ?? err.message;
  return reason === "wrong version number" ? `${reason} (does the agent serve plain HTTP?)` : clip(reason);
}

export function clip(text: string, max = 200): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
