/** The abort signal of one call: its deadline, or the caller's cancel, whichever comes first. */
export interface CallSignal {
  signal: AbortSignal;
  /** True when the caller cancelled (not the deadline): a cancelled call is not a timeout. */
  readonly cancelled: boolean;
  /** Stops the deadline's timer and unhooks from the caller's signal; call it when the call ends. */
  dispose(): void;
}

/**
 * Why not `AbortSignal.any([AbortSignal.timeout(ms), cancel])`: `cancel` is the scheduler's
 * shutdown signal, alive for the whole run, and on Node 20.20 every signal `any` derives from it
 * stays in its dependants set until it aborts. Measured: 1,000,000 calls kept 1,000,000 dependants
 * and grew RSS by 187 MiB (130 → 317 MiB) — a collector polling 200 agents a second would leak
 * about 3 GiB a day. Here the link is a listener removed when the call ends.
 */
export function callSignal(timeoutMs: number, cancel: AbortSignal | undefined): CallSignal {
  const controller = new AbortController();
  let cancelled = false;
  const onCancel = (): void => {
    cancelled = true;
    controller.abort(cancel?.reason);
  };
  const timer = setTimeout(
    () => controller.abort(new DOMException(`timeout after ${timeoutMs} ms`, "TimeoutError")),
    timeoutMs,
  );
  if (cancel?.aborted === true) onCancel();
  else cancel?.addEventListener("abort", onCancel, { once: true });
  return {
    signal: controller.signal,
    get cancelled() {
      return cancelled;
    },
    dispose: () => {
      clearTimeout(timer);
      cancel?.removeEventListener("abort", onCancel);
    },
  };
}
