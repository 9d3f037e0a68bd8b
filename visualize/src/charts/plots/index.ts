import type { PlotKind } from "../../model.js";
import { cpuPlot } from "./cpu.js";
import { diskPlot } from "./disk.js";
import { loadPlot } from "./load.js";
import { memoryPlot } from "./memory.js";
import { networkPlot } from "./network.js";
import type { PlotBuilder } from "./plot-spec.js";
import { securityPlot } from "./security.js";
import { temperaturePlot } from "./temperature.js";

export { bruteForceSummary } from "./security.js";
export { plotInput, type PlotBuilder, type PlotInput, type PlotSpec } from "./plot-spec.js";

export const PLOT_BUILDERS: Record<PlotKind, PlotBuilder> = {
  cpu: cpuPlot,
  temperature: temperaturePlot,
  load: loadPlot,
  memory: memoryPlot,
  disk: diskPlot,
  network: networkPlot,
  security: securityPlot,
};

/** What the page shows instead of a plot that has nothing in the range. */
export const NO_DATA_NOTES: Record<PlotKind, string> = {
  cpu: "No CPU data in this range",
  temperature: "No temperature sensor on this host",
  load: "No load data in this range",
  memory: "No memory data in this range",
  disk: "No disk data in this range",
  network: "No network data in this range",
  security: "No security data in this range",
};
