import type { ThresholdRule } from "../../../collector/src/alerts/evaluator/types.js";
import { lineDataset, type LineDataset, type PlotFrame } from "./line-chart.js";
import { CRITICAL_COLOR, WARNING_COLOR } from "./palette.js";
import { formatNumber } from "./units.js";

export interface ThresholdOptions {
  /** The rule's levels are multiplied by this (per-core load: the CPU count). */
  factor?: number;
  /** Appended to the level in the legend ("%", "°C"). */
  unit?: string;
  /** Put before the severity in the legend ("swap"). */
  prefix?: string;
  /** Said after the level in the legend ("1.5 per core"). */
  note?: (level: number) => string;
  yAxisID?: string;
}

/** Dashed horizontal lines across the range at the rule's warning and critical levels. */
export function thresholdDatasets(
  rule: ThresholdRule | undefined,
  frame: PlotFrame,
  options: ThresholdOptions = {},
): LineDataset[] {
  if (!rule) return [];
  const factor = options.factor ?? 1;
  const datasets: LineDataset[] = [];
  for (const severity of ["warning", "critical"] as const) {
    const level = rule[severity];
    if (level === undefined) continue;
    const y = level * factor;
    const unit = options.unit ? ` ${options.unit}` : "";
    const note = options.note ? ` (${options.note(level)})` : "";
    const prefix = options.prefix ? `${options.prefix} ` : "";
    datasets.push(
      lineDataset(
        `${prefix}${severity} ${formatNumber(y, 2)}${unit}${note}`,
        [
          { x: frame.from, y },
          { x: frame.to, y },
        ],
        severity === "warning" ? WARNING_COLOR : CRITICAL_COLOR,
        { borderDash: [6, 4], borderWidth: 1.2, ...(options.yAxisID ? { yAxisID: options.yAxisID } : {}) },
      ),
    );
  }
  return datasets;
}
