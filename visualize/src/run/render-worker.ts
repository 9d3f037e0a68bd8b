import { parentPort } from "node:worker_threads";
import { renderAgentCharts, type AgentChartOptions } from "../charts/index.js";
import type { AgentHistory } from "../model.js";

export interface RenderJob {
  id: number;
  history: AgentHistory;
  options: AgentChartOptions;
}

// One agent's charts per message; the answer carries the id back with the result or the error.
parentPort?.on("message", (job: RenderJob) => {
  renderAgentCharts(job.history, job.options).then(
    (charts) => parentPort?.postMessage({ id: job.id, charts }),
    (error: unknown) =>
      parentPort?.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
