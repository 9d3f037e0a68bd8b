import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";

type LineListener = (line: string) => void;

/** A program the quick start runs: its output goes to our stdout, prefixed by its name. */
export class ManagedChild {
  readonly child: ChildProcess;
  /** The last lines it printed, for the message when it dies. */
  readonly tail: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly listeners = new Set<LineListener>();

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    private readonly echo = true,
  ) {
    this.child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    this.exited = once(this.child, "exit").then(([code]) => code as number | null);
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      createInterface({ input: stream }).on("line", (line) => this.onLine(line));
    }
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first line (already printed or to come) that matches; rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    for (const line of this.tail) {
      const found = pattern.exec(line);
      if (found !== null) return Promise.resolve(found);
    }
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        this.child.off("exit", onExit);
      };
      const listener = (line: string) => {
        const found = pattern.exec(line);
        if (found === null) return;
        cleanup();
        resolve(found);
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`${this.name} exited (${code}) while starting:\n${this.tail.join("\n")}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(`${this.name} did not start within ${timeoutMs / 1000} s:\n${this.tail.join("\n")}`),
        );
      }, timeoutMs);
      this.listeners.add(listener);
      this.child.once("exit", onExit);
    });
  }

  /** SIGTERM, then SIGKILL after graceMs; resolves with the exit code. */
  async stop(graceMs = 10_000): Promise<number | null> {
    if (!this.running) return this.child.exitCode;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private onLine(line: string): void {
    this.tail.push(line);
    if (this.tail.length > 20) this.tail.shift();
    if (this.echo) process.stdout.write(`[${this.name}] ${line}\n`);
    for (const listener of this.listeners) listener(line);
  }
}
