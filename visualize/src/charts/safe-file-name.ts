import { createHash } from "node:crypto";

const MAX_LENGTH = 200;

/**
 * A file / folder name for an agent that is also safe in a URL without further escaping:
 * bytes outside [A-Za-z0-9._-] become "~XX" ("~" is unreserved in URLs, unlike "%", which
 * a browser would decode), and a leading "." is escaped so "." / ".." / hidden names cannot
 * occur. Distinct agents give distinct names; very long names are shortened with a hash.
 */
export function safeFileName(name: string): string {
  if (name === "") return "~";
  let out = "";
  for (const byte of Buffer.from(name, "utf8")) {
    const c = String.fromCharCode(byte);
    const keep = /[A-Za-z0-9_-]/.test(c) || (c === "." && out !== "");
    out += keep ? c : `~${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  if (out.length <= MAX_LENGTH) return out;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 16);
  return `${out.slice(0, MAX_LENGTH - 17)}~${hash}`;
}
