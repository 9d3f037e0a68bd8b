import { describe, expect, it } from "vitest";
import { classifyError } from "./classify-error.js";
import { PollError } from "./poll-error.js";

function nodeError(message: string, fields: Record<string, string>): Error {
  return Object.assign(new Error(message), fields);
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
      "connection closed before a response (not on the agent's allowlist?)",
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
      "TLS: wrong version number (does the agent serve plain HTTP?)",
    ],
    [nodeError("something odd", { code: "EWHATEVER" }), "unreachable", "EWHATEVER: something odd"],
  ])("%s → %s", (error, kind, message) => {
    const classified = classifyError(error, false);
    expect(classified).toMatchObject({ kind, message });
    expect(classified.cause).toBe(error);
  });

  it("tells an answer cut midway from a connection closed before any", () => {
    const reset = nodeError("aborted", { code: "ECONNRESET" });
    expect(classifyError(reset, true)).toMatchObject({
      kind: "bad_response",
      message: "bad response: connection closed mid-response",
    });
  });

  it("passes a PollError through and wraps a non-error", () => {
    const error = new PollError("http", "HTTP 500");
    expect(classifyError(error, true)).toBe(error);
    expect(classifyError("weird", false)).toMatchObject({ kind: "unreachable", message: "weird" });
  });
});
