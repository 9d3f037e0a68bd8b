// The spool as the rest of delivery sees it: nothing else of this folder is imported from outside.
export { Spool, recordsOf } from "./spool.js";
export type { SpoolBatch } from "./spool.js";
