import { isUtf8 } from "node:buffer";
import { clip, parseError } from "./decode-faults.js";

const DECL_ENCODING = /^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/;

/**
 * The body as text for the parser. Bytes are read in the encoding the XML declaration names
 * (UTF-8 when it names none); only UTF-8 and Latin-1/ASCII are taken, any other encoding is
 * refused rather than guessed. A byte-order mark is dropped.
 */
export function toText(body: string | Buffer): string {
  if (typeof body === "string") return body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  const declared = DECL_ENCODING.exec(body.toString("latin1", 0, 200))?.[1]?.toLowerCase();
  if (declared === undefined || declared === "utf-8" || declared === "utf8") {
    if (!isUtf8(body)) throw parseError("body is not valid UTF-8");
    const start = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
    return body.toString("utf8", start);
  }
  if (["iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii"].includes(declared))
    return body.toString("latin1");
  throw parseError(`unsupported encoding "${clip(declared)}"`);
}
