import { describe, expect, it } from "vitest";
import { classifyError } from "./classify-error.js";
import { PollError } from "./poll-error.js";

function nodeError(message: string, fields: Record<string, string | Buffer>): Error {
  return Object.assign(new Error(message), fields);
}

const plain = { responseStarted: false, tls: false };
const secure = { responseStarted: false, tls: true };

/** What llhttp raises when the first bytes back are not a status line. */
function parseError(
  raw: Buffer,
  code = "HPE_INVALID_CONSTANT",
  reason = "Expected HTTP/, RTSP/ or ICE/",
): Error {
  return nodeError(`Parse Error: ${reason}`, { code, reason, rawPacket: raw });
}

describe("classifyError", () => {
  it.each([
    [
      nodeError("connect ECONNREFUSED 10.0.0.5:8000", { code: "ECONNREFUSED" }),
      "refused",
      "connection refused",
    ],
    [
      nodeError("socket hang up", { code: "ECONNRESET" }),
      "refused",
      `connection closed before a response (not on the agent's allowlist? or a TLS port: set "tls": true)`,
    ],
    [
      nodeError("getaddrinfo ENOTFOUND db9", { code: "ENOTFOUND", hostname: "db9" }),
      "unreachable",
      "host not found: db9",
    ],
    [
      nodeError("getaddrinfo EAI_AGAIN db9", { code: "EAI_AGAIN", hostname: "db9" }),
      "unreachable",
      "DNS lookup failed: db9",
    ],
    [
      nodeError("connect EHOSTUNREACH 10.0.0.5:8000", { code: "EHOSTUNREACH" }),
      "unreachable",
      "host unreachable",
    ],
    [
      nodeError("connect ENETUNREACH 10.0.0.5:8000", { code: "ENETUNREACH" }),
      "unreachable",
      "network unreachable",
    ],
    [nodeError("connect ETIMEDOUT 10.0.0.5:8000", { code: "ETIMEDOUT" }), "timeout", "connect timed out"],
    [
      nodeError("self-signed certificate", { code: "DEPTH_ZERO_SELF_SIGNED_CERT" }),
      "tls",
      "TLS: self-signed certificate",
    ],
    [
      nodeError("certificate has expired", { code: "CERT_HAS_EXPIRED" }),
      "tls",
      "TLS: certificate has expired",
    ],
    [
      nodeError("unable to verify the first certificate", { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" }),
      "tls",
      "TLS: unable to verify the first certificate",
    ],
    [
      nodeError(
        "Hostname/IP does not match certificate's altnames: IP: 10.0.0.5 is not in the cert's list: ",
        {
          code: "ERR_TLS_CERT_ALTNAME_INVALID",
        },
      ),
      "tls",
      "TLS: Hostname/IP does not match certificate's altnames: IP: 10.0.0.5 is not in the cert's list: ",
    ],
    [
      nodeError(
        "write EPROTO 80AC43BDD77F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:",
        { code: "EPROTO" },
      ),
      "tls",
      `TLS: the agent's port does not speak TLS (OpenSSL: wrong version number); if the agent serves plain HTTP, drop "tls" and "ca_file" for it`,
    ],
    [
      nodeError(
        "write EPROTO 80AC43BDD77F0000:error:0A0000C6:SSL routines:tls_get_more_records:packet length too long:ssl/record/rec_layer_s3.c:1:",
        { code: "EPROTO" },
      ),
      "tls",
      `TLS: the agent's port does not speak TLS (OpenSSL: packet length too long); if the agent serves plain HTTP, drop "tls" and "ca_file" for it`,
    ],
    [nodeError("something odd", { code: "EWHATEVER" }), "unreachable", "EWHATEVER: something odd"],
  ])("%s → %s", (error, kind, message) => {
    const classified = classifyError(error, plain);
    expect(classified).toMatchObject({ kind, message });
    expect(classified.cause).toBe(error);
  });

  it("tells an answer cut midway from a connection closed before any", () => {
    const reset = nodeError("aborted", { code: "ECONNRESET" });
    expect(classifyError(reset, { responseStarted: true, tls: false })).toMatchObject({
      kind: "bad_response",
      message: "bad response: connection closed mid-response",
    });
  });

  it("passes a PollError through and wraps a non-error", () => {
    const error = new PollError("http", "HTTP 500");
    expect(classifyError(error, { responseStarted: true, tls: false })).toBe(error);
    expect(classifyError("weird", plain)).toMatchObject({ kind: "unreachable", message: "weird" });
  });

  it("names only the allowlist for a connection closed before an HTTPS answer", () => {
    const reset = nodeError(
      "Client network socket disconnected before secure TLS connection was established",
      {
        code: "ECONNRESET",
      },
    );
    expect(classifyError(reset, secure)).toMatchObject({
      kind: "refused",
      message: "connection closed before a response (not on the agent's allowlist?)",
    });
  });
});

describe("classifyError on an answer that is not HTTP (llhttp's parse errors)", () => {
  const TLS_HINT = `bad response: not HTTP, the agent's port speaks TLS (set "tls": true for this agent)`;

  it.each([
    ["a TLS handshake record", Buffer.from([0x16, 0x03, 0x01, 0x00, 0x2a, 0x02, 0x00]), TLS_HINT],
    ["a TLS alert record", Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46]), TLS_HINT],
    [
      "an SSH banner",
      Buffer.from("SSH-2.0-OpenSSH_9.6\r\n"),
      `bad response: not HTTP (is this the agent's port? it answered with something else: "SSH-2.0-OpenSSH_9.6")`,
    ],
    [
      "a long text line",
      Buffer.from("x".repeat(40)),
      `bad response: not HTTP (is this the agent's port? it answered with something else: "${"x".repeat(32)}…")`,
    ],
    [
      "binary bytes",
      Buffer.from([0x00, 0x01, 0x62, 0x69, 0x6e, 0x61, 0x72, 0x79, 0xff, 0xfe]),
      "bad response: not HTTP (is this the agent's port? it answered with something else: bytes 00 01 62 69 6e 61 72 79 …)",
    ],
    [
      "nothing llhttp kept",
      Buffer.alloc(0),
      "bad response: not HTTP (is this the agent's port? it answered with something else)",
    ],
  ])("%s", (_, raw, message) => {
    const error = parseError(raw);
    const classified = classifyError(error, plain);
    expect(classified).toMatchObject({ kind: "bad_response", message });
    expect(classified.message).not.toMatch(/^TLS/);
    expect(classified.cause).toBe(error);
  });

  it("calls a status line with a broken header malformed HTTP, not 'not HTTP'", () => {
    const error = parseError(
      Buffer.from("HTTP/1.1 200 OK\r\nBad Header\r\n"),
      "HPE_INVALID_HEADER_TOKEN",
      "Invalid header value char",
    );
    expect(classifyError(error, plain)).toMatchObject({
      kind: "bad_response",
      message: "bad response: malformed HTTP (Invalid header value char)",
    });
  });
});
