import type { XmlRpcStruct, XmlRpcValue } from "../../../../agent/src/xmlrpc/index.js";
import type { Spec, StructSpec } from "./spec.js";

// A date and time without a zone: taken as UTC, as the contract says all times are.
const NO_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/**
 * `value` in the shape `spec` describes, or undefined when it does not fit: the caller leaves
 * the field out. Numbers come from any numeric XML-RPC type, never from strings or booleans.
 */
export function normaliseValue(spec: Spec, value: XmlRpcValue | undefined): unknown {
  switch (spec) {
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? value : undefined;
    case "string":
      return typeof value === "string" ? value : undefined;
    case "boolean":
      return typeof value === "boolean" ? value : undefined;
    case "timestamp":
      return timestamp(value);
  }
  if ("nullable" in spec) return value === null ? null : normaliseValue(spec.nullable, value);
  if ("oneOf" in spec) return typeof value === "string" && spec.oneOf.includes(value) ? value : undefined;
  if ("arrayOf" in spec) {
    if (!Array.isArray(value)) return undefined;
    const items = value.map((item) => normaliseValue(spec.arrayOf, item));
    if (spec.positional === true) return items.includes(undefined) ? undefined : items;
    return items.filter((item) => item !== undefined);
  }
  return normaliseStruct(spec, value);
}

/** Known fields only, in the spec's order; undefined when a key field is bad or nothing is left. */
export function normaliseStruct(spec: StructSpec, value: XmlRpcValue | undefined): object | undefined {
  if (!isStruct(value)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [name, fieldSpec] of Object.entries(spec.fields)) {
    const field = normaliseValue(fieldSpec, Object.hasOwn(value, name) ? value[name] : undefined);
    if (field !== undefined) out[name] = field;
    else if (spec.key?.includes(name) === true) return undefined;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function isStruct(value: XmlRpcValue | undefined): value is XmlRpcStruct {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !Buffer.isBuffer(value)
  );
}

function timestamp(value: XmlRpcValue | undefined): string | undefined {
  let ms = Number.NaN;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === "string")
    ms = Date.parse(NO_ZONE.test(value) ? `${value.replace(" ", "T")}Z` : value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
