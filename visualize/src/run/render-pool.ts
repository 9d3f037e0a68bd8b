import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { AgentChartOptions } from "../charts/index.js";
import type { AgentCharts, AgentHistory } from "../model.js";
import { threadCount, WorkerPool } from "../workers/worker-pool.js";
import type { RenderJob, RenderResult } from "./render-worker.js";

type Rendered = Omit<AgentCharts, "csv">;

export interface AgentRenderer {
  render(history: AgentHistory, options: AgentChartOptions): Promise<Rendered>;
  close(): Promise<void>;
}

const WORKER = new URL("./render-worker.js", import.meta.url);

/**
 * Draws agents' charts on worker threads, one agent at a time per worker: Chart.js layout,
 * Skia rasterising and PNG compression are all CPU work, so threads are what puts every core to
 * use (the histories are copied over: typed arrays, a plain memcpy). In this thread when run
 * from the TypeScript sources (tests) or with one thread.
 */
export function createRenderer(threads = threadCount()): AgentRenderer {
  if (threads < 2 || !existsSync(fileURLToPath(WORKER)))
    return {
      render: async (history, options) =>
        (await import("../charts/index.js")).renderAgentCharts(history, options),
      close: async () => {},
    };
  const pool = new WorkerPool<Omit<RenderJob, "id">, RenderResult>(WORKER, threads);
  return {
    render: async (history, options) => (await pool.run({ history, options })).charts,
    close: () => pool.close(),
  };
}
