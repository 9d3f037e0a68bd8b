export { FileStore, type FileStoreOptions } from "./file-store.js";
export { FileHistoryReader, type FileHistoryReaderOptions } from "./file-reader.js";
export { listRotatedFiles, rotationNames, type RotatedFile, type RotationNames } from "./file-names.js";
export type { FilePart } from "./file-reader.js";
