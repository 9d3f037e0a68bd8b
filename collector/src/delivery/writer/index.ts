// The writer's parts as storage-writer.ts (and, through delivery/index.ts, the collector) sees
// them: nothing else of this folder is imported from outside.
export { DeadLetterFile } from "./dead-letters.js";
export { withDeadline } from "./deadline.js";
export { BatchWriter, StoreUnavailable, unavailable } from "./batch-writer.js";
export type { Batch } from "./batch-writer.js";
export { Outage } from "./outage.js";
export { SpoolReplay } from "./spool-replay.js";
export { PendingRecords } from "./pending.js";
export { SpoolAppender } from "./spool-append.js";
