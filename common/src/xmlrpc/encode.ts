import { METHOD_NAME_RE } from "./values.js";

export interface EncodeOptions {
  /**
   * Struct members whose name matches carry <double> even for whole numbers; the flag also
   * applies to numbers inside arrays under that member (per_core_percent: [12, 40.5]).
   */
  isDoubleField?: (name: string) => boolean;
  /** Maximum nesting of arrays and structs; deeper (or cyclic) values throw an Error. */
  maxDepth?: number;
}

export const ENCODE_DEFAULT_MAX_DEPTH = 64;

const DECLARATION = '<?xml version="1.0"?>\n';
const NIL = "<nil/>";
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

// Characters outside XML 1.0's Char production (lone surrogates included, thanks to the u flag),
// the three markup characters, and CR, which XML parsers would otherwise turn into LF.
// eslint-disable-next-line no-control-regex
const SPECIAL = /[&<>\r\0-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF\uD800-\uDFFF]/u;
// eslint-disable-next-line no-control-regex
const SPECIAL_ALL = /[&<>\r\0-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF\uD800-\uDFFF]/gu;
const REPLACEMENTS: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;" };

interface Context {
  isDoubleField: ((name: string) => boolean) | undefined;
  maxDepth: number;
}

/** `<?xml ...?><methodResponse>` with one param. Throws an Error for values it cannot encode. */
export function encodeResponse(value: unknown, options?: EncodeOptions): string {
  const body = encodeValue(value, options);
  return `${DECLARATION}<methodResponse><params><param>${body}</param></params></methodResponse>`;
}

/** `<methodResponse><fault>` with faultCode <int> and faultString <string>. */
export function encodeFault(code: number, message: string): string {
  const safeCode = Number.isInteger(code) && code >= INT32_MIN && code <= INT32_MAX ? code : -32500;
  return (
    `${DECLARATION}<methodResponse><fault><value><struct>` +
    `<member><name>faultCode</name><value><int>${safeCode}</int></value></member>` +
    `<member><name>faultString</name><value><string>${escapeText(message)}</string></value></member>` +
    `</struct></value></fault></methodResponse>`
  );
}

/** `<methodCall>` for our own client use. Throws an Error for a bad method name or value. */
export function encodeCall(methodName: string, params: readonly unknown[], options?: EncodeOptions): string {
  if (!METHOD_NAME_RE.test(methodName)) throw new Error(`invalid XML-RPC method name: ${methodName}`);
  let xml = `${DECLARATION}<methodCall><methodName>${methodName}</methodName><params>`;
  for (const param of params) xml += `<param>${encodeValue(param, options)}</param>`;
  return `${xml}</params></methodCall>`;
}

/** One `<value>` element. */
export function encodeValue(value: unknown, options?: EncodeOptions): string {
  const ctx: Context = {
    isDoubleField: options?.isDoubleField,
    maxDepth: options?.maxDepth ?? ENCODE_DEFAULT_MAX_DEPTH,
  };
  return valueXml(value, ctx, 0, false);
}

function valueXml(v: unknown, ctx: Context, depth: number, asDouble: boolean): string {
  switch (typeof v) {
    case "string":
      return `<value><string>${escapeText(v)}</string></value>`;
    case "number":
      return `<value>${asDouble ? doubleXml(v) : numberXml(v)}</value>`;
    case "boolean":
      return v ? "<value><boolean>1</boolean></value>" : "<value><boolean>0</boolean></value>";
    case "undefined":
      return `<value>${NIL}</value>`;
    case "bigint":
      return `<value>${bigintXml(v)}</value>`;
    case "object":
      if (v === null) return `<value>${NIL}</value>`;
      if (depth >= ctx.maxDepth)
        throw new Error(`value nested deeper than ${ctx.maxDepth} levels, or cyclic`);
      if (Array.isArray(v)) {
        let xml = "<value><array><data>";
        for (const item of v as unknown[]) xml += valueXml(item, ctx, depth + 1, asDouble);
        return `${xml}</data></array></value>`;
      }
      if (v instanceof Date) return `<value>${dateXml(v)}</value>`;
      if (v instanceof Uint8Array) {
        const base64 = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
        return `<value><base64>${base64}</base64></value>`;
      }
      return structXml(v as Record<string, unknown>, ctx, depth + 1);
    default:
      throw new Error(`cannot encode a ${typeof v} as XML-RPC`);
  }
}

function structXml(obj: Record<string, unknown>, ctx: Context, depth: number): string {
  let xml = "<value><struct>";
  for (const name of Object.keys(obj)) {
    const member = obj[name];
    if (member === undefined) continue;
    const asDouble = ctx.isDoubleField !== undefined && ctx.isDoubleField(name);
    xml += `<member><name>${escapeText(name)}</name>${valueXml(member, ctx, depth, asDouble)}</member>`;
  }
  return `${xml}</struct></value>`;
}

function numberXml(n: number): string {
  if (!Number.isFinite(n)) return NIL;
  if (Number.isInteger(n)) {
    if (n >= INT32_MIN && n <= INT32_MAX) return `<int>${n}</int>`;
    if (Number.isSafeInteger(n)) return `<i8>${n}</i8>`;
  }
  return `<double>${formatDouble(n)}</double>`;
}

function doubleXml(n: number): string {
  return Number.isFinite(n) ? `<double>${formatDouble(n)}</double>` : NIL;
}

function bigintXml(n: bigint): string {
  if (n >= BigInt(INT32_MIN) && n <= BigInt(INT32_MAX)) return `<int>${n}</int>`;
  if (n >= INT64_MIN && n <= INT64_MAX) return `<i8>${n}</i8>`;
  throw new Error("bigint out of the 64-bit range of <i8>");
}

/** UTC in Python's format, YYYYMMDDTHH:MM:SS (milliseconds are dropped); an invalid Date is nil. */
function dateXml(d: Date): string {
  if (Number.isNaN(d.getTime())) return NIL;
  const year = d.getUTCFullYear();
  if (year < 0 || year > 9999) throw new Error(`date out of range for dateTime.iso8601: year ${year}`);
  const p2 = (n: number): string => String(n).padStart(2, "0");
  return (
    `<dateTime.iso8601>${String(year).padStart(4, "0")}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}` +
    `T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}</dateTime.iso8601>`
  );
}

/**
 * Shortest round-trip digits as a plain decimal with a ".0" for whole numbers: no exponent,
 * since xmlrpc-c rejects one. 1e21 → "1000000000000000000000.0", 1e-7 → "0.0000001".
 */
export function formatDouble(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  if (Object.is(n, -0)) return "-0.0";
  let s = String(n);
  const e = s.indexOf("e");
  if (e >= 0) s = expandExponent(s, e);
  return s.includes(".") ? s : `${s}.0`;
}

function expandExponent(s: string, e: number): string {
  const sign = s[0] === "-" ? "-" : "";
  const mantissa = s.slice(sign.length, e);
  const exponent = Number(s.slice(e + 1));
  const dot = mantissa.indexOf(".");
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const intLength = (dot < 0 ? mantissa.length : dot) + exponent;
  if (intLength <= 0) return `${sign}0.${"0".repeat(-intLength)}${digits}`;
  if (intLength >= digits.length) return sign + digits + "0".repeat(intLength - digits.length);
  return `${sign}${digits.slice(0, intLength)}.${digits.slice(intLength)}`;
}

/** Escapes &, <, > (and CR) and drops characters that XML 1.0 does not allow. */
export function escapeText(s: string): string {
  if (!SPECIAL.test(s)) return s;
  return s.replace(SPECIAL_ALL, (c) => REPLACEMENTS[c] ?? "");
}
