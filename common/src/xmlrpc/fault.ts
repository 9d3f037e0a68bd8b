/** Fault codes from the XML-RPC "specification for fault code interoperability". */
export const FAULT = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32500,
} as const;

/** Python's SimpleXMLRPCServer answers an unknown method with fault code 1. */
export const METHOD_NOT_FOUND_PY = 1;

/** A fault to send (server) or that was received (client). The message never carries a stack. */
export class XmlRpcFault extends Error {
  override readonly name = "XmlRpcFault";

  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}
