export { lttbIndices } from "./lttb.js";
export { gapThresholdMs, presentRuns, toPoints, type ToPointsOptions } from "./to-points.js";
