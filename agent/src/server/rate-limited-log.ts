/**
 * Lets through at most `perWindow` calls per window and counts the rest, so a port scan or a
 * misconfigured collector cannot flood the log; the count of suppressed lines is reported once
 * the next window opens.
 */
export function rateLimited(
  perWindow: number,
  windowMs: number,
  write: (message: string) => void,
  now: () => number = Date.now,
): (message: string) => void {
  let windowStart = -Infinity;
  let used = 0;
  let suppressed = 0;
  return (message) => {
    const t = now();
    if (t - windowStart >= windowMs) {
      if (suppressed > 0) write(`${suppressed} similar messages suppressed in the last ${windowMs / 1000} s`);
      windowStart = t;
      used = 0;
      suppressed = 0;
    }
    if (used < perWindow) {
      used++;
      write(message);
    } else {
      suppressed++;
    }
  };
}
