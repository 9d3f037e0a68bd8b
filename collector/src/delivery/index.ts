// How the collector's records reach the store through outages, as the rest of the collector sees
// it: the writer that orders batches (live, spool, replay), the spool on disk, the dead letters.
export { Spool } from "./spool/index.js";
export { StorageWriter } from "./storage-writer.js";
export type { StoreLag } from "./storage-writer.js";
export { DeadLetterFile, withDeadline } from "./writer/index.js";
