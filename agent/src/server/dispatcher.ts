import {
  encodeFault,
  encodeResponse,
  decodeMethodCall,
  FAULT,
  XmlRpcFault,
} from "../../../common/src/xmlrpc/index.js";
import { isStruct, type XmlRpcValue } from "../../../common/src/xmlrpc/index.js";
import { isDoubleField } from "../../../common/src/contract/protocol.js";

export type MethodHandler = (params: XmlRpcValue[]) => XmlRpcValue | Promise<XmlRpcValue>;

export interface MethodDefinition {
  help: string;
  handler: MethodHandler;
}

export interface DispatchLog {
  fault(method: string, code: number, message: string): void;
  internalError(method: string, error: unknown): void;
}

/** Python's SimpleXMLRPCServer answers an unknown method with fault code 1; we keep that (README "get_metrics contract"). */
export const METHOD_NOT_FOUND = 1;
export const MULTICALL_MAX = 32;

/**
 * Turns a request body into a response body. Never throws: every failure becomes a fault
 * with a generic message (details go to the log only). A result object is encoded once and
 * reused while the handler keeps returning the same object (the snapshot between samples).
 */
export class Dispatcher {
  private readonly methods: Map<string, MethodDefinition>;
  private readonly encoded = new WeakMap<object, Buffer>();

  constructor(
    methods: Record<string, MethodDefinition>,
    private readonly log: DispatchLog,
  ) {
    this.methods = new Map(Object.entries(methods));
    this.methods.set("system.listMethods", {
      help: "system.listMethods() -> array of the method names this agent serves.",
      handler: () => [...this.methods.keys()].sort(),
    });
    this.methods.set("system.methodHelp", {
      help: "system.methodHelp(name) -> help text for a method.",
      handler: (params) => {
        const name = expectParams(params, 1)[0];
        if (typeof name !== "string")
          throw new XmlRpcFault(FAULT.INVALID_PARAMS, "invalid params: name must be a string");
        return this.methods.get(name)?.help ?? "";
      },
    });
    this.methods.set("system.multicall", {
      help: `system.multicall([{methodName, params}, ...]) -> [[result] or {faultCode, faultString}, ...]; at most ${MULTICALL_MAX} calls.`,
      handler: (params) => this.multicall(params),
    });
  }

  /** The response body as UTF-8 bytes, ready for the socket. */
  async handle(body: Buffer | string): Promise<Buffer> {
    let method = "(unparsed)";
    try {
      const call = decodeMethodCall(body);
      method = call.methodName;
      const result = await this.invoke(call.methodName, call.params);
      return this.encodeResult(result);
    } catch (error) {
      const fault = this.toFault(method, error);
      return Buffer.from(encodeFault(fault.code, fault.message), "utf8");
    }
  }

  private async invoke(name: string, params: XmlRpcValue[]): Promise<XmlRpcValue> {
    const method = this.methods.get(name);
    if (method === undefined) throw new XmlRpcFault(METHOD_NOT_FOUND, `method not found: ${name}`);
    return method.handler(params);
  }

  private encodeResult(result: XmlRpcValue): Buffer {
    if (result === null || typeof result !== "object") return Buffer.from(encodeResponse(result), "utf8");
    let xml = this.encoded.get(result);
    if (xml === undefined) {
      xml = Buffer.from(encodeResponse(result, { isDoubleField }), "utf8");
      this.encoded.set(result, xml);
    }
    return xml;
  }

  private async multicall(params: XmlRpcValue[]): Promise<XmlRpcValue> {
    const calls = expectParams(params, 1)[0];
    if (!Array.isArray(calls))
      throw new XmlRpcFault(FAULT.INVALID_PARAMS, "invalid params: expected an array of calls");
    if (calls.length > MULTICALL_MAX) {
      throw new XmlRpcFault(
        FAULT.INVALID_PARAMS,
        `invalid params: at most ${MULTICALL_MAX} calls per multicall`,
      );
    }
    const results: XmlRpcValue[] = [];
    for (const call of calls) {
      let name = "(invalid)";
      try {
        if (!isStruct(call) || typeof call.methodName !== "string") {
          throw new XmlRpcFault(FAULT.INVALID_PARAMS, "invalid params: each call needs a methodName string");
        }
        name = call.methodName;
        if (name === "system.multicall") {
          throw new XmlRpcFault(FAULT.INVALID_REQUEST, "invalid request: system.multicall cannot be nested");
        }
        const callParams = call.params ?? [];
        if (!Array.isArray(callParams))
          throw new XmlRpcFault(FAULT.INVALID_PARAMS, "invalid params: params must be an array");
        results.push([await this.invoke(name, callParams)]);
      } catch (error) {
        const fault = this.toFault(name, error);
        results.push({ faultCode: fault.code, faultString: fault.message });
      }
    }
    return results;
  }

  private toFault(method: string, error: unknown): { code: number; message: string } {
    if (error instanceof XmlRpcFault) {
      this.log.fault(method, error.code, error.message);
      return { code: error.code, message: error.message };
    }
    this.log.internalError(method, error);
    return { code: FAULT.INTERNAL_ERROR, message: "internal error" };
  }
}

/** Checks the number of params; methods without params accept none, as Python's server does. */
export function expectParams(params: XmlRpcValue[], count: number): XmlRpcValue[] {
  if (params.length !== count) {
    throw new XmlRpcFault(FAULT.INVALID_PARAMS, `invalid params: expected ${count}, got ${params.length}`);
  }
  return params;
}
