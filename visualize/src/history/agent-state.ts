import type { PollEvent } from "../../../collector/src/storage/index.js";

/**
 * Whether an agent is down at the end of the range: its last change of state in the range is
 * "down", later than its last sample. Without a change of state in the range (it went down
 * before), polls failing since its last sample, at least `downAfter` in a row, say so.
 */
export function isDown(
  events: readonly PollEvent[],
  lastSeen: number | undefined,
  downAfter: number,
): boolean {
  const afterLastSample = (event: PollEvent): boolean =>
    lastSeen === undefined || Date.parse(event.ts) > lastSeen;
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i] as PollEvent;
    if (event.kind !== "poll_error") return event.kind === "down" && afterLastSample(event);
  }
  const last = events[events.length - 1];
  return last !== undefined && last.consecutive_failures >= downAfter && afterLastSample(last);
}
