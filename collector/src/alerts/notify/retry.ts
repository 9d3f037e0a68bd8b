import { setTimeout as sleep } from "node:timers/promises";
import { errorMessage } from "./format.js";

export interface RetryPolicy {
  /** Extra attempts after the first one. */
  retries: number;
  /** Wait before the first retry; doubles for every further retry. */
  backoffMs: number;
  /** Upper bound of a single wait. */
  maxBackoffMs?: number;
}

/**
 * Runs `attempt` until it succeeds, at most `retries + 1` times, waiting `backoffMs`, 2×, 4×, ...
 * between attempts. An error `isRetryable` rejects is thrown at once; after the last attempt the
 * error is thrown with the number of attempts in its message (the original is its `cause`).
 */
export async function withRetry<T>(
  attempt: (index: number) => Promise<T>,
  policy: RetryPolicy,
  isRetryable: (err: unknown) => boolean,
): Promise<T> {
  const retries = Math.max(0, Math.floor(policy.retries));
  const maxBackoff = policy.maxBackoffMs ?? 60_000;
  for (let index = 0; ; index++) {
    try {
      return await attempt(index);
    } catch (err) {
      if (!isRetryable(err)) throw err;
      if (index >= retries) {
        if (index === 0) throw err;
        throw new Error(`${errorMessage(err)} (gave up after ${index + 1} attempts)`, { cause: err });
      }
      await sleep(Math.min(maxBackoff, Math.max(0, policy.backoffMs) * 2 ** index));
    }
  }
}
