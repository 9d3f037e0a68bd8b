// The storage layer as every other package and folder sees it (lint forbids reaching past it):
// the records, the store and reader interfaces, the writer that feeds a store, and the backends.
export { emptyFigures, readFigures } from "./figures.js";
export type { FigureValues, SampleFigures } from "./figures.js";
export { FileHistoryReader, FileStore } from "./file/index.js";
export type { FileHistoryReaderOptions, FilePart } from "./file/index.js";
export { MysqlStore } from "./mysql/index.js";
export type { AlertRecord, PollEvent, PollSample, TimeRange } from "./records.js";
export { Spool } from "./spool/index.js";
export { StorageWriter } from "./storage-writer.js";
export type { StoreLag } from "./storage-writer.js";
export type { HistoryReader, Store } from "./store.js";
export { DeadLetterFile, withDeadline } from "./writer/index.js";
