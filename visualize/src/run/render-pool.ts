import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { renderAgentCharts, type AgentChartOptions } from "../charts/index.js";
import type { AgentCharts, AgentHistory } from "../model.js";
import type { RenderJob } from "./render-worker.js";

type Rendered = Omit<AgentCharts, "csv">;
interface Pending {
  resolve(charts: Rendered): void;
  reject(error: Error): void;
}

/**
 * Draws agents' charts on worker threads, one agent at a time per worker: Chart.js layout,
 * Skia rasterising and PNG compression are all synchronous CPU work, so threads are what puts
 * every core to use. The histories are copied to the workers (typed arrays: a plain memcpy).
 */
export interface AgentRenderer {
  render(history: AgentHistory, options: AgentChartOptions): Promise<Rendered>;
  close(): Promise<void>;
}

const WORKER = new URL("./render-worker.js", import.meta.url);

/** Worker threads when built (dist/); in this thread when run from the TypeScript sources (tests). */
export function createRenderer(
  threads = Number(process.env.HOSTWATCH_RENDER_THREADS ?? availableParallelism()),
): AgentRenderer {
  if (threads > 1 && existsSync(fileURLToPath(WORKER))) return new RenderPool(threads);
  return { render: renderAgentCharts, close: async () => undefined };
}

export class RenderPool implements AgentRenderer {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Array<{ job: Omit<RenderJob, "id">; pending: Pending }> = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(size = availableParallelism()) {
    for (let i = 0; i < Math.max(1, size); i++) {
      const worker = new Worker(WORKER);
      worker.on("message", (message: { id: number; charts?: Rendered; error?: string }) => {
        const pending = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error !== undefined) pending?.reject(new Error(message.error));
        else pending?.resolve(message.charts!);
        this.idle.push(worker);
        this.dispatch();
      });
      worker.on("error", (error) => {
        for (const pending of this.pending.values()) pending.reject(error);
        this.pending.clear();
      });
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  render(history: AgentHistory, options: AgentChartOptions): Promise<Rendered> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { history, options }, pending: { resolve, reject } });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const { job, pending } = this.queue.shift()!;
      const id = this.nextId++;
      this.pending.set(id, pending);
      worker.postMessage({ id, ...job } satisfies RenderJob);
    }
  }
}
