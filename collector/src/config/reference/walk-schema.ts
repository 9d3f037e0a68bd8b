import * as v from "valibot";

/** One config key as the schema defines it. */
export interface ConfigKeyRow {
  /** Dotted path; `[]` marks the items of an array (`agents[].name`), `*` the values of a record. */
  key: string;
  /** The accepted input, e.g. `integer`, `string | null`, `"file" | "mysql"`, `string[]`. */
  type: string;
  /** The schema's default as config text (`8000`, `0.0.0.0`, `["127.0.0.1", "::1"]`); undefined: none. */
  default: string | undefined;
  /** The key must be given whenever the object it belongs to is given. */
  required: boolean;
}

export interface WalkOptions {
  /** Keys listed as one row, without rows for what they contain. */
  opaque?: Iterable<string>;
}

/**
 * The properties of valibot's schema objects that the walker reads. Valibot keeps a schema's
 * structure on the schema object itself: `entries` (objects), `wrapped` and `default`
 * (optional, nullable, …), `item` (array), `options` (union, picklist), `key`/`value` (record),
 * and `pipe` (the first element is the piped schema, the rest are actions).
 */
type SchemaNode = v.GenericSchema & {
  readonly entries?: Readonly<Record<string, SchemaNode>>;
  readonly wrapped?: SchemaNode;
  readonly item?: SchemaNode;
  readonly options?: readonly unknown[];
  readonly key?: SchemaNode;
  readonly value?: SchemaNode;
  readonly literal?: unknown;
  readonly pipe?: readonly [SchemaNode, ...Array<{ readonly kind: string; readonly type: string }>];
};

/** Wrappers whose key may be left out of the config. */
const OMITTABLE = new Set(["optional", "exact_optional", "nullish", "undefinedable"]);
/** Wrappers that also accept null. */
const NULLABLE = new Set(["nullable", "nullish"]);
const OBJECTS = new Set(["object", "strict_object", "loose_object", "object_with_rest"]);

/**
 * Every key of an object schema, depth first in schema order. Objects with a default (sections
 * such as `metrics: {...}` that may be left out) give no row of their own, only their keys;
 * objects without a default (their presence switches something on), arrays and records give a
 * row, and the keys of object items follow as `key[].name`. Unions are not descended into.
 */
export function walkSchema(schema: v.GenericSchema, options: WalkOptions = {}): ConfigKeyRow[] {
  const root = unwrap(schema);
  if (!isObject(root)) throw new Error(`walkSchema: expected an object schema, got ${root.type}`);
  const rows: ConfigKeyRow[] = [];
  visitEntries(root, "", undefined, rows, new Set(options.opaque));
  return rows;
}

function visitEntries(
  object: SchemaNode,
  prefix: string,
  sectionDefault: unknown,
  rows: ConfigKeyRow[],
  opaque: ReadonlySet<string>,
): void {
  for (const [name, entry] of Object.entries(object.entries ?? {})) {
    // a section's own default ({index: 0, count: 1}) is what its keys get when it is left out
    const inherited = isRecord(sectionDefault) ? sectionDefault[name] : undefined;
    const value = inherited !== undefined ? inherited : defaultOf(entry);
    visitKey(prefix + name, entry, value, !isOmittable(entry), rows, opaque);
  }
}

function visitKey(
  key: string,
  entry: SchemaNode,
  defaultValue: unknown,
  required: boolean,
  rows: ConfigKeyRow[],
  opaque: ReadonlySet<string>,
): void {
  const row: ConfigKeyRow = {
    key,
    type: typeName(entry),
    default: defaultValue === undefined ? undefined : formatConfigValue(defaultValue),
    required,
  };
  const inner = unwrap(entry);
  if (opaque.has(key)) {
    rows.push(row);
  } else if (isObject(inner)) {
    if (defaultValue === undefined) rows.push(row);
    visitEntries(inner, `${key}.`, defaultValue, rows, opaque);
  } else if (inner.type === "array" && inner.item !== undefined) {
    rows.push(row);
    const item = unwrap(inner.item);
    if (isObject(item)) visitEntries(item, `${key}[].`, undefined, rows, opaque);
  } else if (inner.type === "record" && inner.value !== undefined) {
    rows.push(row);
    const value = unwrap(inner.value);
    if (isObject(value)) visitEntries(value, `${key}.*.`, undefined, rows, opaque);
  } else {
    rows.push(row);
  }
}

/** The schema without its wrappers (optional, nullable, …); a piped schema carries the piped schema's properties. */
function unwrap(node: SchemaNode): SchemaNode {
  let current = node;
  while (current.wrapped !== undefined) current = current.wrapped;
  return current;
}

function isOmittable(node: SchemaNode): boolean {
  for (let current: SchemaNode | undefined = node; current !== undefined; current = current.wrapped) {
    if (OMITTABLE.has(current.type)) return true;
  }
  return false;
}

/** The outermost default of the wrapper chain (valibot's getDefault also calls a default function). */
function defaultOf(node: SchemaNode): unknown {
  for (let current: SchemaNode | undefined = node; current !== undefined; current = current.wrapped) {
    const value: unknown = v.getDefault(current);
    if (value !== undefined) return value;
  }
  return undefined;
}

function isObject(node: SchemaNode): boolean {
  return OBJECTS.has(node.type) && node.entries !== undefined;
}

function isSchema(value: unknown): value is SchemaNode {
  return isRecord(value) && value.kind === "schema" && typeof value.type === "string";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The validation actions of a schema's pipe, including those of the schemas it pipes. */
function actionsOf(node: SchemaNode): string[] {
  if (node.pipe === undefined) return [];
  const [first, ...actions] = node.pipe;
  return [...actionsOf(first), ...actions.filter((a) => a.kind === "validation").map((a) => a.type)];
}

/** A short TypeScript-like name of what the schema accepts. */
export function typeName(node: SchemaNode | v.GenericSchema): string {
  const schema = node as SchemaNode;
  if (schema.wrapped !== undefined) {
    const inner = typeName(schema.wrapped);
    return NULLABLE.has(schema.type) ? `${inner} | null` : inner;
  }
  switch (schema.type) {
    case "number":
      return actionsOf(schema).includes("integer") ? "integer" : "number";
    case "picklist":
    case "enum":
      return (schema.options ?? []).map((option) => JSON.stringify(option)).join(" | ");
    case "literal":
      return JSON.stringify(schema.literal);
    case "union":
    case "variant":
      return (schema.options ?? [])
        .filter(isSchema)
        .map((option) => typeName(option))
        .join(" | ");
    case "array": {
      const item = schema.item === undefined ? "unknown" : typeName(schema.item);
      return item.includes(" | ") ? `(${item})[]` : `${item}[]`;
    }
    case "record":
      return `Record<${schema.key === undefined ? "string" : typeName(schema.key)}, ${
        schema.value === undefined ? "unknown" : typeName(schema.value)
      }>`;
    default:
      return isObject(schema) ? `{${Object.keys(schema.entries ?? {}).join(", ")}}` : schema.type;
  }
}

/**
 * A value as it would be written in the config: strings bare at the top (`0.0.0.0`, `""` when
 * empty), everything else as JSON with a space after `,` and `:`.
 */
export function formatConfigValue(value: unknown): string {
  if (typeof value === "string") return value === "" ? '""' : value;
  return jsonText(value);
}

function jsonText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(jsonText).join(", ")}]`;
  if (isRecord(value)) {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}: ${jsonText(item)}`).join(", ")}}`;
  }
  return JSON.stringify(value) ?? String(value);
}
