// The writer part of storage as the rest of the collector sees it: nothing else of this folder is imported from outside.
export { DeadLetterFile } from "./dead-letters.js";
export type { DeadLetter, RecordKind } from "./dead-letters.js";
export { DeadlineError, formatSeconds, withDeadline } from "./deadline.js";
export { isolateRefused } from "./isolate.js";
export { BatchWriter, StoreUnavailable, unavailable } from "./batch-writer.js";
export type { Batch, Part } from "./batch-writer.js";
export { Outage } from "./outage.js";
export { SpoolReplay } from "./spool-replay.js";
export { PendingRecords } from "./pending.js";
export { SpoolAppender } from "./spool-append.js";
