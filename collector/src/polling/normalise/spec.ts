import type { Rank } from "../../../../common/src/contract/bound-list.js";

/**
 * A small description language for the get_metrics contract. `SpecOf<T>` ties a description
 * to the protocol.ts type it describes, so the compiler flags a field added, removed or
 * retyped in the contract until contract-spec.ts follows.
 */
export type Spec =
  | "number"
  | "string"
  | "boolean"
  /** An ISO 8601 string or an XML-RPC dateTime, written back as ISO 8601 UTC. */
  | "timestamp"
  | { readonly nullable: Spec }
  | { readonly oneOf: readonly string[] }
  | ArraySpec
  | StructSpec;

/**
 * Every array is cut to a maximum (NormaliseLimits). `positional`: the index means something
 * (per-core usage), so one bad element drops the array and a cut keeps the first entries.
 * Otherwise `rank` says which entries a cut keeps (default: the first), and `count` names the
 * sibling field that gets the length before the cut when the agent did not send it.
 */
export interface ArraySpec {
  readonly arrayOf: Spec;
  readonly positional?: boolean;
  /** `never`: any Rank<E> fits; normaliseValue calls it on the elements it normalised. */
  readonly rank?: (a: never, b: never) => number;
  readonly count?: string;
}

export interface StructSpec {
  readonly fields: { readonly [name: string]: Spec };
  /** Fields without which the struct means nothing (a disk without its mount): it is dropped. */
  readonly key?: readonly string[];
}

export type SpecOf<T> = null extends T
  ? { readonly nullable: SpecOf<Exclude<T, null>> }
  : [T] extends [number]
    ? "number"
    : [T] extends [boolean]
      ? "boolean"
      : [T] extends [string]
        ? string extends T
          ? "string" | "timestamp"
          : { readonly oneOf: readonly T[] }
        : [T] extends [ReadonlyArray<infer E>]
          ? {
              readonly arrayOf: SpecOf<E>;
              readonly positional?: boolean;
              readonly rank?: Rank<E>;
              readonly count?: string;
            }
          : StructSpecOf<T>;

export interface StructSpecOf<T> {
  readonly fields: { readonly [K in keyof T]-?: SpecOf<Exclude<T[K], undefined>> };
  readonly key?: ReadonlyArray<keyof T & string>;
}
