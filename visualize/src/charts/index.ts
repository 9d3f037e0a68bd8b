export {
  chartFontWarning,
  drawChart,
  renderChartPng,
  type ChartConfig,
  type RenderSize,
} from "./canvas-chart.js";
export { NO_DATA_NOTES, PLOT_BUILDERS, bruteForceSummary, plotInput, type PlotSpec } from "./plots/index.js";
export { overviewLineConfig, worstDiskConfig, worstDisks } from "./overview.js";
export {
  DEFAULT_CHART_HEIGHT,
  DEFAULT_CHART_WIDTH,
  DEFAULT_PIXEL_RATIO,
  renderAgentCharts,
  type AgentChartOptions,
  type ChartOptions,
} from "./render-agent.js";
export { renderOverviewCharts } from "./render-overview.js";
export { safeFileName } from "./safe-file-name.js";
export { sparklineConfig, SPARKLINES } from "./sparkline.js";
export { timeAxis, timeTicks } from "./time-axis.js";
