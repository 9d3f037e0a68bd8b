/** Most characters of a process's `cmdline` in a snapshot (agent) and on the dashboard. */
export const CMDLINE_MAX_CHARS = 200;

/** At most `max` characters (code points, so no surrogate pair is split), the last one "…" when cut. */
export function cutToChars(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}
