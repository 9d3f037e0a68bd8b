export { FileStore, type FileStoreOptions } from "./file-store.js";
export { FileHistoryReader, type FileHistoryReaderOptions } from "./file-reader.js";
export { listRotatedFiles, rotationNames, type RotatedFile, type RotationNames } from "./file-names.js";
export type { FilePart } from "./record-stream.js";
