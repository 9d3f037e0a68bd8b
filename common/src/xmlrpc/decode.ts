import { isUtf8 } from "node:buffer";
import { SaxesParser } from "saxes";
import { FAULT, XmlRpcFault } from "./fault.js";
import { METHOD_NAME_RE } from "./values.js";
import type { MethodCall, MethodResponse, XmlRpcStruct, XmlRpcValue } from "./values.js";

export interface DecodeOptions {
  /** Maximum element nesting depth (the root element is depth 1). */
  maxDepth?: number;
  /** Maximum number of elements in the document. */
  maxNodes?: number;
  /** Maximum total length of the document's text content, in characters. */
  maxStringLength?: number;
}

export const DECODE_DEFAULTS: Readonly<Required<DecodeOptions>> = {
  maxDepth: 64,
  maxNodes: 100_000,
  maxStringLength: 1024 * 1024,
};

type TypeKind =
  "int" | "i8" | "boolean" | "double" | "string" | "dateTime" | "base64" | "nil" | "struct" | "array";
type Kind =
  | TypeKind
  | "call"
  | "response"
  | "methodName"
  | "params"
  | "param"
  | "fault"
  | "value"
  | "member"
  | "name"
  | "data";
type Mode = "call" | "response";

const VALUE_TYPES = new Map<string, TypeKind>([
  ["int", "int"],
  ["i4", "int"],
  ["i8", "i8"],
  ["boolean", "boolean"],
  ["double", "double"],
  ["string", "string"],
  ["dateTime.iso8601", "dateTime"],
  ["base64", "base64"],
  ["nil", "nil"],
  ["struct", "struct"],
  ["array", "array"],
]);

// Apache XML-RPC extensions, accepted under any namespace prefix (ex:nil, ex:i8, ...).
const PREFIXED_TYPES = new Map<string, TypeKind>([
  ["nil", "nil"],
  ["i1", "int"],
  ["i2", "int"],
  ["i4", "int"],
  ["i8", "i8"],
  ["float", "double"],
]);

const TEXT_KINDS = new Set<Kind>([
  "methodName",
  "name",
  "value",
  "int",
  "i8",
  "boolean",
  "double",
  "string",
  "dateTime",
  "base64",
  "nil",
]);

const NON_WS = /[^ \t\r\n]/;
const INT_RE = /^[+-]?\d+$/;
const DOUBLE_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE_RE = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/;
const BASE64_WS = /[ \t\r\n]+/g;
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const DECL_ENCODING = /^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

class Frame {
  children = 0;
  text = "";
  value: XmlRpcValue | undefined = undefined;
  name: string | undefined = undefined;
  items: XmlRpcValue[] | undefined;
  struct: XmlRpcStruct | undefined;

  constructor(
    readonly kind: Kind,
    readonly tag: string,
  ) {
    this.items = kind === "params" || kind === "data" ? [] : undefined;
    this.struct = kind === "struct" ? {} : undefined;
  }
}

/** Server side: parse a <methodCall>. Throws only XmlRpcFault (-32700 or -32600). */
export function decodeMethodCall(body: string | Buffer, options?: DecodeOptions): MethodCall {
  const root = parseDocument(body, "call", options);
  const methodName = root.name;
  if (methodName === undefined) throw invalid("call", "missing <methodName>");
  if (!METHOD_NAME_RE.test(methodName)) throw invalid("call", `bad method name "${clip(methodName)}"`);
  return { methodName, params: root.items ?? [] };
}

/** Client side: parse a <methodResponse>. Throws only XmlRpcFault (-32700 or -32600). */
export function decodeMethodResponse(body: string | Buffer, options?: DecodeOptions): MethodResponse {
  const root = parseDocument(body, "response", options);
  if (root.items !== undefined) {
    const [value] = root.items;
    if (root.items.length !== 1 || value === undefined) {
      throw invalid("response", "<params> must hold exactly one <param>");
    }
    return { kind: "result", value };
  }
  const fault = root.value;
  if (!isStruct(fault)) throw invalid("response", "<fault> must hold a struct");
  const code = fault.faultCode;
  const message = fault.faultString;
  if (typeof code !== "number" || !Number.isInteger(code) || typeof message !== "string") {
    throw invalid("response", "fault struct needs an integer faultCode and a string faultString");
  }
  return { kind: "fault", code, message };
}

function parseDocument(body: string | Buffer, mode: Mode, options: DecodeOptions | undefined): Frame {
  const maxDepth = options?.maxDepth ?? DECODE_DEFAULTS.maxDepth;
  const maxNodes = options?.maxNodes ?? DECODE_DEFAULTS.maxNodes;
  const maxText = options?.maxStringLength ?? DECODE_DEFAULTS.maxStringLength;
  const stack: Frame[] = [];
  let root: Frame | undefined;
  let nodes = 0;
  let textLength = 0;

  // saxes: strict XML 1.0, only the five predefined entities, DTD entity declarations never expanded
  const parser = new SaxesParser();
  parser.on("error", (err) => {
    throw parseError(err.message.split("\n", 1)[0] ?? "malformed XML");
  });
  parser.on("doctype", () => {
    throw parseError("DOCTYPE is not allowed");
  });
  parser.on("processinginstruction", () => {
    throw parseError("processing instructions are not allowed");
  });
  parser.on("opentag", (tag) => {
    if (++nodes > maxNodes) throw parseError(`document has more than ${maxNodes} elements`);
    if (stack.length >= maxDepth) throw parseError(`document is nested deeper than ${maxDepth} elements`);
    const parent = stack[stack.length - 1];
    let kind: Kind | undefined;
    if (parent !== undefined) {
      kind = childKind(parent, tag.name);
      parent.children++;
    } else if (root !== undefined) {
      throw parseError("more than one root element");
    } else if (mode === "call" ? tag.name === "methodCall" : tag.name === "methodResponse") {
      kind = mode;
    }
    if (kind === undefined) {
      const where = parent === undefined ? " as root element" : ` in <${clip(parent.tag)}>`;
      throw invalid(mode, `unexpected <${clip(tag.name)}>${where}`);
    }
    stack.push(new Frame(kind, tag.name));
  });
  const onText = (text: string) => {
    textLength += text.length;
    if (textLength > maxText) throw parseError(`text content exceeds ${maxText} characters`);
    const frame = stack[stack.length - 1];
    if (frame === undefined) return; // whitespace around the root; saxes rejects anything else
    if (TEXT_KINDS.has(frame.kind)) frame.text += text;
    else if (NON_WS.test(text)) throw invalid(mode, `unexpected text in <${clip(frame.tag)}>`);
  };
  parser.on("text", onText);
  parser.on("cdata", onText);
  parser.on("closetag", () => {
    const frame = stack.pop();
    if (frame === undefined) return;
    const parent = stack[stack.length - 1];
    if (parent === undefined) root = frame;
    else closeFrame(frame, parent, mode);
  });

  try {
    parser.write(toText(body)).close();
  } catch (err) {
    if (err instanceof XmlRpcFault) throw err;
    throw parseError(err instanceof Error ? (err.message.split("\n", 1)[0] ?? "") : "malformed XML");
  }
  if (root === undefined) throw parseError("no root element");
  if (root.kind === "response" && root.children !== 1) {
    throw invalid(mode, "<methodResponse> must hold one <params> or <fault>");
  }
  return root;
}

function childKind(parent: Frame, tag: string): Kind | undefined {
  const n = parent.children;
  switch (parent.kind) {
    case "call":
      if (n === 0 && tag === "methodName") return "methodName";
      return n === 1 && tag === "params" ? "params" : undefined;
    case "response":
      return n === 0 && (tag === "params" || tag === "fault") ? tag : undefined;
    case "params":
      return tag === "param" ? "param" : undefined;
    case "param":
    case "fault":
      return n === 0 && tag === "value" ? "value" : undefined;
    case "value":
      return n === 0 ? valueType(tag) : undefined;
    case "struct":
      return tag === "member" ? "member" : undefined;
    case "member":
      if (n === 0 && tag === "name") return "name";
      return n === 1 && tag === "value" ? "value" : undefined;
    case "array":
      return n === 0 && tag === "data" ? "data" : undefined;
    case "data":
      return tag === "value" ? "value" : undefined;
    default:
      return undefined;
  }
}

function valueType(tag: string): TypeKind | undefined {
  const kind = VALUE_TYPES.get(tag);
  if (kind !== undefined) return kind;
  const colon = tag.indexOf(":");
  return colon > 0 ? PREFIXED_TYPES.get(tag.slice(colon + 1)) : undefined;
}

function closeFrame(frame: Frame, parent: Frame, mode: Mode): void {
  switch (frame.kind) {
    case "methodName":
    case "name":
      parent.name = frame.text;
      return;
    case "params":
    case "data":
      parent.items = frame.items;
      return;
    case "param":
    case "fault":
      if (frame.children === 0) throw invalid(mode, `<${frame.tag}> without <value>`);
      if (frame.kind === "fault") parent.value = frame.value;
      else parent.items?.push(frame.value ?? null);
      return;
    case "member":
      if (frame.children !== 2) throw invalid(mode, "<member> needs a <name> and a <value>");
      setMember(parent.struct ?? {}, frame.name ?? "", frame.value ?? null);
      return;
    case "value": {
      let value: XmlRpcValue;
      if (frame.children === 0) value = frame.text;
      else if (NON_WS.test(frame.text)) throw invalid(mode, "<value> mixes text with a typed element");
      else value = frame.value ?? null;
      if (parent.kind === "data") parent.items?.push(value);
      else parent.value = value;
      return;
    }
    case "struct":
      parent.value = frame.struct ?? {};
      return;
    case "array":
      parent.value = frame.items ?? [];
      return;
    default:
      parent.value = scalar(frame.kind, frame.tag, frame.text, mode);
  }
}

function isStruct(v: XmlRpcValue | undefined): v is XmlRpcStruct {
  return (
    typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date) && !Buffer.isBuffer(v)
  );
}

function setMember(struct: XmlRpcStruct, name: string, value: XmlRpcValue): void {
  // A plain assignment to "__proto__" would replace the prototype instead of adding a member.
  if (name === "__proto__") {
    Object.defineProperty(struct, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    struct[name] = value;
  }
}

function scalar(kind: Kind, tag: string, text: string, mode: Mode): XmlRpcValue {
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

function toText(body: string | Buffer): string {
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

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function parseError(reason: string): XmlRpcFault {
  return new XmlRpcFault(FAULT.PARSE_ERROR, `parse error: ${reason}`);
}

function invalid(mode: Mode, reason: string): XmlRpcFault {
  return new XmlRpcFault(
    FAULT.INVALID_REQUEST,
    `invalid ${mode === "call" ? "request" : "response"}: ${reason}`,
  );
}
