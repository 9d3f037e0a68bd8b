/** When the first log line matching `pattern` was written (its own timestamp, epoch ms), at or after `after`. */
export function logTime(output: string, pattern: RegExp, after = 0): number | undefined {
  for (const line of output.split("\n")) {
    if (!pattern.test(line)) continue;
    const at = Date.parse(line.slice(0, line.indexOf(" ")));
    if (Number.isFinite(at) && at >= after) return at;
  }
  return undefined;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
