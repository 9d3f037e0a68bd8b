/**
 * The XML-RPC value model on the JS side:
 * <string>/bare text → string, <int>/<i4>/<i8>/<double> → number, <boolean> → boolean,
 * <nil/> → null, <dateTime.iso8601> → Date, <base64> → Buffer, <array> → array, <struct> → object.
 */
export type XmlRpcValue = string | number | boolean | null | Date | Buffer | XmlRpcValue[] | XmlRpcStruct;

export interface XmlRpcStruct {
  [key: string]: XmlRpcValue;
}

/** A <struct>: an object that is none of the other object-shaped values (array, Date, Buffer). */
export function isStruct(value: XmlRpcValue | undefined): value is XmlRpcStruct {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !Buffer.isBuffer(value)
  );
}

export interface MethodCall {
  methodName: string;
  params: XmlRpcValue[];
}

export type MethodResponse =
  { kind: "result"; value: XmlRpcValue } | { kind: "fault"; code: number; message: string };

/** Method names we accept and emit (Python and xmlrpc-c use the same set in practice). */
export const METHOD_NAME_RE = /^[A-Za-z0-9_.:/]+$/;
