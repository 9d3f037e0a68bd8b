/** Line colours in the order series are assigned; red and amber are left to thresholds. */
export const SERIES_COLORS = [
  "#1f77b4",
  "#2ca02c",
  "#9467bd",
  "#17becf",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#393b79",
  "#637939",
  "#ff7f0e",
  "#843c39",
] as const;

export const seriesColor = (index: number): string => SERIES_COLORS[index % SERIES_COLORS.length]!;

export const WARNING_COLOR = "#f59e0b";
export const CRITICAL_COLOR = "#dc2626";
export const BAND_COLOR = "rgba(31, 119, 180, 0.18)";
export const OTHERS_COLOR = "#9ca3af";
export const OTHERS_BAND_COLOR = "rgba(156, 163, 175, 0.25)";
export const GRID_COLOR = "#e5e7eb";
export const TEXT_COLOR = "#374151";
export const LINE_WIDTH = 1.5;
