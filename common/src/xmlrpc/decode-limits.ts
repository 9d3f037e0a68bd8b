/**
 * What a decoder reads before it gives up: the body comes from the network (an agent's caller,
 * or an agent's answer), so its depth, size and text are bounded before it is turned into values.
 */
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

export function resolveLimits(options: DecodeOptions | undefined): Required<DecodeOptions> {
  return {
    maxDepth: options?.maxDepth ?? DECODE_DEFAULTS.maxDepth,
    maxNodes: options?.maxNodes ?? DECODE_DEFAULTS.maxNodes,
    maxStringLength: options?.maxStringLength ?? DECODE_DEFAULTS.maxStringLength,
  };
}
