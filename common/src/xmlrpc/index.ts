export type { MethodCall, MethodResponse, XmlRpcStruct, XmlRpcValue } from "./values.js";
export { isStruct, METHOD_NAME_RE } from "./values.js";
export { FAULT, METHOD_NOT_FOUND_PY, XmlRpcFault } from "./fault.js";
export { DECODE_DEFAULTS, decodeMethodCall, decodeMethodResponse } from "./decode.js";
export type { DecodeOptions } from "./decode.js";
export {
  ENCODE_DEFAULT_MAX_DEPTH,
  encodeCall,
  encodeFault,
  encodeResponse,
  encodeValue,
  escapeText,
  formatDouble,
} from "./encode.js";
export type { EncodeOptions } from "./encode.js";
