import type { AgentHistory, ChartFile } from "../model.js";
import type { ChartConfig } from "./canvas-chart.js";
import { overviewLineConfig, worstDiskChartHeight, worstDiskConfig, worstDisks } from "./overview.js";
import { frameOf, writeChart, type ChartOptions } from "./render-agent.js";

/** The charts across agents: CPU % and memory % of all agents, fullest disk per agent. */
export async function renderOverviewCharts(
  histories: AgentHistory[],
  options: ChartOptions,
): Promise<ChartFile[]> {
  const frame = frameOf(options);
  const size = { width: frame.width, height: Math.round(frame.height * 1.2), pixelRatio: frame.pixelRatio };
  const jobs: Array<{ config: ChartConfig | undefined; name: string; title: string; height: number }> = [
    {
      config: overviewLineConfig(histories, "cpu", frame),
      name: "cpu",
      title: "CPU usage, all agents",
      height: size.height,
    },
    {
      config: overviewLineConfig(histories, "memory", frame),
      name: "memory",
      title: "Memory usage, all agents",
      height: size.height,
    },
    {
      config: worstDiskConfig(histories),
      name: "disk",
      title: "Fullest disk per agent",
      height: worstDiskChartHeight(worstDisks(histories).length),
    },
  ];
  return Promise.all(
    jobs
      .filter((job): job is typeof job & { config: ChartConfig } => job.config !== undefined)
      .map((job) =>
        writeChart(
          job.config,
          { plot: "overview", title: job.title, file: `${options.chartDir}/${job.name}.png` },
          { ...size, height: job.height },
          options.outputDir,
        ),
      ),
  );
}
