/**
 * Progress on stderr: on a terminal one line rewritten in place, otherwise (a log, a systemd
 * journal) a line at most every few seconds, so long runs show they are alive without flooding.
 */
export class Progress {
  private lastLine = 0;
  private pending = false;

  constructor(
    private readonly stream: NodeJS.WriteStream | undefined = process.stderr,
    private readonly intervalMs = stream?.isTTY === true ? 100 : 5_000,
  ) {}

  /** A step of a phase; shown when enough time has passed since the last one. */
  update(text: string): void {
    if (this.stream === undefined) return;
    const now = Date.now();
    if (now - this.lastLine < this.intervalMs) return;
    this.lastLine = now;
    if (this.stream.isTTY === true) {
      this.stream.write(`\r\u001b[2K${text}`);
      this.pending = true;
    } else this.stream.write(`${text}\n`);
  }

  /** A line that always shows (a phase done, a warning). */
  line(text: string): void {
    if (this.stream === undefined) return;
    if (this.pending) this.stream.write("\r\u001b[2K");
    this.pending = false;
    this.stream.write(`${text}\n`);
  }
}
