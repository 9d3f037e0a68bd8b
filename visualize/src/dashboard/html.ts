import { posix } from "node:path";

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for element content and for double- or single-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return plainText(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** A value as page text: strings as they are, an object (a foreign agent's junk) as its JSON. */
function plainText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  return typeof value === "object" ? (JSON.stringify(value) ?? "") : "";
}

/** ` name="value"`, escaped; nothing for undefined / false; a bare name for true. */
export function attr(name: string, value: string | number | boolean | undefined | null): string {
  if (value === undefined || value === null || value === false) return "";
  if (value === true) return ` ${name}`;
  return ` ${name}="${escapeHtml(value)}"`;
}

/**
 * A relative URL from one page to another file, both given relative to the output folder with "/"
 * separators. Every segment is percent-encoded, so data-derived names cannot smuggle in a scheme
 * ("javascript:"), a query, a fragment or markup.
 */
export function relativeUrl(fromPage: string, toFile: string): string {
  const rel = posix.relative(posix.dirname(fromPage), posix.normalize(toFile));
  return rel
    .split("/")
    .map((segment) => (segment === ".." || segment === "." ? segment : encodeURIComponent(segment)))
    .join("/");
}

const REFERENCE = /\s(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi;

function unescapeHtml(value: string): string {
  return value.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_m, name: string) => {
    switch (name) {
      case "amp":
        return "&";
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "quot":
        return '"';
      default:
        return "'";
    }
  });
}

/**
 * The relative files a page references through href/src attributes, as file paths relative to the
 * page's folder: entities and percent-encoding decoded, query and fragment dropped. Absolute URLs
 * (with a scheme, "//host" or "/path") and fragment-only links are left out. Unique, in order.
 */
export function listReferencedFiles(html: string): string[] {
  const files = new Set<string>();
  for (const match of html.matchAll(REFERENCE)) {
    const raw = unescapeHtml(match[1] ?? match[2] ?? "").trim();
    if (raw === "" || raw.startsWith("#") || raw.startsWith("/") || /^[a-z][a-z0-9+.-]*:/i.test(raw))
      continue;
    const path = raw.replace(/[?#].*$/s, "");
    if (path === "") continue;
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      decoded = path;
    }
    files.add(decoded);
  }
  return [...files];
}
