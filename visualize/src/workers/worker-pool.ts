import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

interface Pending<R> {
  resolve(result: R): void;
  reject(error: Error): void;
}

/**
 * A fixed set of worker threads running one script: each job goes to the next idle worker as
 * `{id, ...job}`; the worker answers `{id, ...result}` or `{id, error}`.
 */
export class WorkerPool<J extends object, R extends object> {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Array<{ job: J; pending: Pending<R> }> = [];
  private readonly running = new Map<number, Pending<R>>();
  private nextId = 0;
  /** Set when a worker died: the pool is then unusable and every job fails with it. */
  private failure: Error | undefined;
  private closing = false;

  constructor(script: URL, size: number) {
    for (let i = 0; i < Math.max(1, size); i++) {
      const worker = new Worker(script);
      worker.on("message", (message: R & { id: number; error?: string }) => {
        const pending = this.running.get(message.id);
        this.running.delete(message.id);
        if (message.error !== undefined) pending?.reject(new Error(message.error));
        else pending?.resolve(message);
        this.idle.push(worker);
        this.dispatch();
      });
      worker.on("error", (error) => this.fail(error));
      worker.on("exit", (code) => {
        if (!this.closing) this.fail(new Error(`a worker thread exited (code ${code})`));
      });
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  run(job: J): Promise<R> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ job, pending: { resolve, reject } });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.running.values()) pending.reject(this.failure);
    this.running.clear();
    for (const { pending } of this.queue.splice(0)) pending.reject(this.failure);
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const { job, pending } = this.queue.shift()!;
      const id = this.nextId++;
      this.running.set(id, pending);
      worker.postMessage({ ...job, id });
    }
  }
}

/** Worker threads to use: HOSTWATCH_THREADS, else one per core. */
export function threadCount(): number {
  const asked = Number(process.env.HOSTWATCH_THREADS);
  return Number.isInteger(asked) && asked > 0 ? asked : availableParallelism();
}
