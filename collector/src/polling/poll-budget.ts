/**
 * How long a scheduled poll may run: it must end before its agent's next slot, or that tick finds
 * it still running and is skipped as an overrun. With `timeout` equal to `poll_interval`, a hanging
 * agent's poll would time out at the very moment of the next tick and lose the race, so the agent
 * would be polled only every other interval. The rule: a poll's deadline is
 * min(timeout, interval − margin), the margin being 5 % of the interval and at most 1 s (enough
 * for timer jitter and the aborted request's clean-up; 30 s → 29 s).
 */
export function pollBudgetMs(intervalMs: number): number {
  const margin = Math.min(1_000, intervalMs * 0.05);
  return Math.floor(intervalMs - margin);
}
