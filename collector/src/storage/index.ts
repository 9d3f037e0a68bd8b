// The storage layer as every other package and folder sees it (lint forbids reaching past it):
// the column catalog, the records, the store and reader contracts, the series, and the backends.
export { SAMPLE_SCALARS, SERIES_COLUMNS, seriesValue, valueOf } from "./columns.js";
export type { Aggregate, Column, Unit } from "./columns.js";
export { FileHistoryReader, FileStore, listRotatedFiles } from "./file/index.js";
export type { FileHistoryReaderOptions, FilePart } from "./file/index.js";
// MySQL is loaded only when used: knex and mysql2 take most of a second to load
export type { MysqlHistoryReader, MysqlHistoryReaderOptions, MysqlStore } from "./mysql/index.js";
import type * as MysqlBackend from "./mysql/index.js";
export const loadMysqlBackend = (): Promise<typeof MysqlBackend> => import("./mysql/index.js");
export type { AlertRecord, PollEvent, PollSample, TimeRange } from "./records.js";
export { seriesRowOf } from "./series.js";
export type { SeriesBatch, SeriesQuery, SeriesRow } from "./series.js";
export type { HistoryReader, Store } from "./store.js";
export {
  Aggregates,
  RollupAccumulator,
  ROLLUP_COLUMNS,
  ROLLUP_TIERS,
  TIER_NAMES,
  bucketStart,
  rollupSampleOf,
} from "./tiers/index.js";
export type { EmittedBucket, RollupOutput, RollupSample, RollupTierName, TierName } from "./tiers/index.js";
