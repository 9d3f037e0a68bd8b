// The XML-RPC decoder's face: a methodCall or methodResponse as values. Reading the document
// (decode-document.ts) is shared by both; this file checks what each root must hold.
import { clip, invalid } from "./decode-faults.js";
import { parseDocument } from "./decode-document.js";
import type { DecodeOptions } from "./decode-limits.js";
import { isStruct, METHOD_NAME_RE } from "./values.js";
import type { MethodCall, MethodResponse } from "./values.js";

export { DECODE_DEFAULTS } from "./decode-limits.js";
export type { DecodeOptions } from "./decode-limits.js";

/** Server side: parse a <methodCall>. Throws only XmlRpcFault (-32700 or -32600). */
export function decodeMethodCall(body: string | Buffer, options?: DecodeOptions): MethodCall {
  const root = parseDocument(body, "call", options);
  const methodName = root.name;
  if (methodName === undefined) throw invalid("call", "missing <methodName>");
  if (!METHOD_NAME_RE.test(methodName)) throw invalid("call", `bad method name "${clip(methodName)}"`);
  return { methodName, params: root.items ?? [] };
}

/** Client side: parse a <methodResponse>. Throws only XmlRpcFault (-32700 or -32600). */
export function decodeMethodResponse(body: string | Buffer, options?: DecodeOptions): MethodResponse {
  const root = parseDocument(body, "response", options);
  if (root.items !== undefined) {
    const [value] = root.items;
    if (root.items.length !== 1 || value === undefined) {
      throw invalid("response", "<params> must hold exactly one <param>");
    }
    return { kind: "result", value };
  }
  const fault = root.value;
  if (!isStruct(fault)) throw invalid("response", "<fault> must hold a struct");
  const code = fault.faultCode;
  const message = fault.faultString;
  if (typeof code !== "number" || !Number.isInteger(code) || typeof message !== "string") {
    throw invalid("response", "fault struct needs an integer faultCode and a string faultString");
  }
  return { kind: "fault", code, message };
}
