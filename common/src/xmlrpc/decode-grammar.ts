/** The element kinds that hold a value. */
type TypeKind =
  "int" | "i8" | "boolean" | "double" | "string" | "dateTime" | "base64" | "nil" | "struct" | "array";
/** Every element kind of a methodCall or methodResponse. */
export type Kind =
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

/** The kinds whose text is kept; text anywhere else must be whitespace. */
export const TEXT_KINDS: ReadonlySet<Kind> = new Set<Kind>([
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

/** Anything but XML whitespace. */
export const NON_WS = /[^ \t\r\n]/;

/**
 * The kind of a `tag` opened as the next child of `parent` (which already holds `children`
 * elements), or undefined when XML-RPC does not allow it there. The order is checked here, so
 * closing an element never has to guess which slot it fills.
 */
export function childKind(parent: { kind: Kind; children: number }, tag: string): Kind | undefined {
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
