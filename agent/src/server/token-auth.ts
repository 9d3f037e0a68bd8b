import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/**
 * Checks the shared token from `Authorization: Bearer TOKEN` or HTTP Basic (any user name,
 * the token as password: what `ServerProxy("http://user:TOKEN@host:8000")` sends).
 * Hashing both sides first makes the comparison constant-time whatever the lengths.
 */
export function createTokenCheck(token: string): (headers: IncomingHttpHeaders) => boolean {
  const expected = digest(token);
  return (headers) => {
    const presented = presentedToken(headers.authorization);
    return presented !== undefined && timingSafeEqual(digest(presented), expected);
  };
}

function presentedToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const space = header.indexOf(" ");
  if (space === -1) return undefined;
  const scheme = header.slice(0, space).toLowerCase();
  const credentials = header.slice(space + 1).trim();
  if (scheme === "bearer") return credentials;
  if (scheme === "basic") {
    const decoded = Buffer.from(credentials, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return colon === -1 ? undefined : decoded.slice(colon + 1);
  }
  return undefined;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}
