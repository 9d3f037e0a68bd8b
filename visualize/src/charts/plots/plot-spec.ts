import { gapThresholdMs } from "../../downsample/index.js";
import type { AgentHistory, PlotKind } from "../../model.js";
import type { LineChartConfig } from "../canvas-chart.js";
import type { PlotFrame } from "../line-chart.js";

/** A chart ready to render for one agent. */
export interface PlotSpec {
  plot: PlotKind;
  title: string;
  config: LineChartConfig;
}

/** What every plot builder gets; gapMs is computed once per agent. */
export interface PlotInput {
  history: AgentHistory;
  frame: PlotFrame;
  gapMs: number;
}

/** undefined when the plot has nothing to show in the range. */
export type PlotBuilder = (input: PlotInput) => PlotSpec | undefined;

export const plotInput = (history: AgentHistory, frame: PlotFrame): PlotInput => ({
  history,
  frame,
  gapMs: gapThresholdMs(history.series.t),
});
