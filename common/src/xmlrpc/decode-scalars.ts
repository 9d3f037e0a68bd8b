import { clip, invalid } from "./decode-faults.js";
import type { Mode } from "./decode-faults.js";
import type { Kind } from "./decode-grammar.js";
import type { XmlRpcFault } from "./fault.js";
import type { XmlRpcValue } from "./values.js";

const INT_RE = /^[+-]?\d+$/;
const DOUBLE_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE_RE = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/;
const BASE64_WS = /[ \t\r\n]+/g;
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * The value of a scalar element's text. Strict on purpose: a number out of range, a date that
 * does not exist or malformed base64 is a fault, never a value quietly made up.
 */
export function scalar(kind: Kind, tag: string, text: string, mode: Mode): XmlRpcValue {
  if (kind === "string") return text;
  const s = text.trim();
  const bad = (): XmlRpcFault => invalid(mode, `bad <${clip(tag)}> value "${clip(s)}"`);
  switch (kind) {
    case "int":
    case "i8": {
      if (!INT_RE.test(s)) throw bad();
      const n = Number(s) + 0; // + 0 turns "-0" into 0
      const ok = kind === "int" ? n >= INT32_MIN && n <= INT32_MAX : Number.isSafeInteger(n);
      if (!ok) throw invalid(mode, `<${clip(tag)}> value ${clip(s)} is out of range`);
      return n;
    }
    case "boolean":
      if (s === "1") return true;
      if (s === "0") return false;
      throw bad();
    case "double": {
      const n = Number(s);
      if (!DOUBLE_RE.test(s) || !Number.isFinite(n)) throw bad();
      return n;
    }
    case "dateTime": {
      const date = parseDate(s);
      if (date === undefined) throw bad();
      return date;
    }
    case "base64": {
      const b64 = s.replace(BASE64_WS, "");
      if (b64.length % 4 !== 0 || !BASE64_RE.test(b64)) throw bad();
      return Buffer.from(b64, "base64");
    }
    case "nil":
      if (s !== "") throw bad();
      return null;
    default:
      throw bad();
  }
}

/** ISO 8601 basic or extended form; a time without zone is taken as UTC. */
function parseDate(s: string): Date | undefined {
  const m = DATE_RE.exec(s);
  if (m === null) return undefined;
  const field = (i: number): number => Number(m[i]);
  const [year, month, day, hour, minute, second] = [
    field(1),
    field(2),
    field(3),
    field(4),
    field(5),
    field(6),
  ];
  const fraction = m[7] ?? "";
  const zone = m[8] ?? "Z";
  const daysInMonth = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (daysInMonth === undefined || day < 1 || day > daysInMonth) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (zone !== "Z") {
    const digits = zone.replace(":", "");
    const zh = Number(digits.slice(1, 3));
    const zm = Number(digits.slice(3, 5));
    if (zh > 23 || zm > 59) return undefined;
    offsetMinutes = (zone[0] === "-" ? -1 : 1) * (zh * 60 + zm);
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // unlike Date.UTC, keeps years 0-99 as written
  date.setUTCHours(hour, minute - offsetMinutes, second, Number(fraction.slice(0, 3).padEnd(3, "0")));
  return date;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
