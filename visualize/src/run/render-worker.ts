import { renderAgentCharts, type AgentChartOptions } from "../charts/index.js";
import type { AgentCharts, AgentHistory } from "../model.js";
import { serveJobs } from "../workers/serve-jobs.js";

export interface RenderJob {
  id: number;
  history: AgentHistory;
  options: AgentChartOptions;
}

export interface RenderResult {
  charts: Omit<AgentCharts, "csv">;
}

serveJobs<RenderJob, RenderResult>(async (job) => ({
  charts: await renderAgentCharts(job.history, job.options),
}));
