import { FAULT, XmlRpcFault } from "./fault.js";

/** Which document is being read; it decides whether a bad one is an invalid request or response. */
export type Mode = "call" | "response";

/** A tag or value shown in a fault message, cut short so a hostile peer cannot make it huge. */
export function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** Not well-formed XML, or over a limit: -32700. */
export function parseError(reason: string): XmlRpcFault {
  return new XmlRpcFault(FAULT.PARSE_ERROR, `parse error: ${reason}`);
}

/** Well-formed XML that is not a methodCall/methodResponse as XML-RPC defines them: -32600. */
export function invalid(mode: Mode, reason: string): XmlRpcFault {
  return new XmlRpcFault(
    FAULT.INVALID_REQUEST,
    `invalid ${mode === "call" ? "request" : "response"}: ${reason}`,
  );
}
