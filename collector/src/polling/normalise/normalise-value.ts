import { isStruct, type XmlRpcValue } from "../../../../common/src/xmlrpc/index.js";
import {
  DEFAULT_MAX_CPU_CORES,
  DEFAULT_MAX_LIST_ITEMS,
  boundList,
} from "../../../../common/src/contract/bound-list.js";
import type { Bounded, Rank } from "../../../../common/src/contract/bound-list.js";
import type { ArraySpec, Spec, StructSpec } from "./spec.js";

/** How much of one answer is kept: other agents (a Python one) may send 2,000 listeners. */
export interface NormaliseLimits {
  /** Most entries kept of any array that is not positional. */
  maxListItems: number;
  /** Most entries kept of a positional array (per-core usage); the first ones are kept. */
  maxPositionalItems: number;
}

export const DEFAULT_NORMALISE_LIMITS: Readonly<NormaliseLimits> = {
  maxListItems: DEFAULT_MAX_LIST_ITEMS,
  maxPositionalItems: DEFAULT_MAX_CPU_CORES,
};

// A date and time without a zone: taken as UTC, as the contract says all times are.
const NO_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/**
 * `value` in the shape `spec` describes, or undefined when it does not fit: the caller leaves
 * the field out. Numbers come from any numeric XML-RPC type, never from strings or booleans.
 */
export function normaliseValue(
  spec: Spec,
  value: XmlRpcValue | undefined,
  limits: NormaliseLimits = DEFAULT_NORMALISE_LIMITS,
): unknown {
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
  if ("nullable" in spec) return value === null ? null : normaliseValue(spec.nullable, value, limits);
  if ("oneOf" in spec) return typeof value === "string" && spec.oneOf.includes(value) ? value : undefined;
  if ("arrayOf" in spec) return normaliseArray(spec, value, limits)?.items;
  return normaliseStruct(spec, value, limits);
}

/**
 * The array's good elements cut to the limit, with how many good ones there were; undefined
 * when it is not an array (or a positional one has a bad element). The elements are
 * normalised before the cut, so that the rank sees them in the contract's shape.
 */
export function normaliseArray(
  spec: ArraySpec,
  value: XmlRpcValue | undefined,
  limits: NormaliseLimits = DEFAULT_NORMALISE_LIMITS,
): Bounded<unknown> | undefined {
  if (!Array.isArray(value)) return undefined;
  const items = value.map((item) => normaliseValue(spec.arrayOf, item, limits));
  if (spec.positional === true) {
    return items.includes(undefined) ? undefined : boundList(items, limits.maxPositionalItems);
  }
  const good = items.filter((item) => item !== undefined);
  // the common case, a list under the limit: no copy
  if (good.length <= limits.maxListItems) return { items: good, total: good.length };
  return boundList(good, limits.maxListItems, spec.rank as Rank<unknown> | undefined);
}

/**
 * Known fields only, in the spec's order; undefined when a key field is bad or nothing is left.
 * A count field of a cut array (ArraySpec.count) that the agent did not send gets the array's
 * length before the cut, so that what was cut is never silently lost.
 */
export function normaliseStruct(
  spec: StructSpec,
  value: XmlRpcValue | undefined,
  limits: NormaliseLimits = DEFAULT_NORMALISE_LIMITS,
): object | undefined {
  if (!isStruct(value)) return undefined;
  // one pass, allocating for the counts only when the struct has a cut array (this runs for
  // every struct of every poll: two Maps and two passes per struct cost +40 % of normalising)
  const out: Record<string, unknown> = {};
  let totals: Array<[count: string, total: number]> | undefined;
  for (const name in spec.fields) {
    const fieldSpec = spec.fields[name] as Spec;
    const raw = Object.hasOwn(value, name) ? value[name] : undefined;
    let normalised: unknown;
    if (typeof fieldSpec === "object" && "arrayOf" in fieldSpec) {
      const list = normaliseArray(fieldSpec, raw, limits);
      normalised = list?.items;
      if (list !== undefined && fieldSpec.count !== undefined)
        (totals ??= []).push([fieldSpec.count, list.total]);
    } else {
      normalised = normaliseValue(fieldSpec, raw, limits);
      // Not `??`: null is a value (a nullable field), only undefined means "left out".
      if (normalised === undefined && totals !== undefined)
        normalised = totals.find(([count]) => count === name)?.[1];
    }
    if (normalised !== undefined) out[name] = normalised;
    else if (spec.key?.includes(name) === true) return undefined;
  }
  // a count field placed before its array in the spec
  for (const [count, total] of totals ?? []) if (out[count] === undefined) out[count] = total;
  return Object.keys(out).length > 0 ? out : undefined;
}

function timestamp(value: XmlRpcValue | undefined): string | undefined {
  let ms = Number.NaN;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === "string")
    ms = Date.parse(NO_ZONE.test(value) ? `${value.replace(" ", "T")}Z` : value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
