import { describe, expect, it } from "vitest";
import { decodeMethodResponse, encodeCall } from "../../../common/src/xmlrpc/index.js";
import { Dispatcher, MULTICALL_MAX } from "./dispatcher.js";

function makeDispatcher() {
  const logged: string[] = [];
  const snapshot = { memory: { total_bytes: 1024, count: 3 } };
  const dispatcher = new Dispatcher(
    {
      ping: { help: "ping help", handler: () => "pong" },
      snapshot: { help: "snapshot help", handler: () => snapshot },
      boom: {
        help: "throws",
        handler: () => {
          throw new Error("secret detail at /etc/shadow");
        },
      },
    },
    {
      fault: (method, code) => logged.push(`fault ${code} ${method}`),
      internalError: (method, error) => logged.push(`internal ${method} ${String(error)}`),
    },
  );
  return { dispatcher, logged, snapshot };
}

async function call(dispatcher: Dispatcher, method: string, params: unknown[] = []) {
  return decodeMethodResponse(await dispatcher.handle(encodeCall(method, params)));
}

describe("dispatcher", () => {
  it("calls a method and encodes its result", async () => {
    const { dispatcher } = makeDispatcher();
    expect(await call(dispatcher, "ping")).toEqual({ kind: "result", value: "pong" });
  });

  it("sends byte counts as doubles, whole or not", async () => {
    const { dispatcher } = makeDispatcher();
    const xml = (await dispatcher.handle(encodeCall("snapshot", []))).toString("utf8");
    expect(xml).toContain("<double>1024.0</double>");
    expect(xml).toContain("<int>3</int>");
  });

  it("encodes the same snapshot object once", async () => {
    const { dispatcher } = makeDispatcher();
    const first = await dispatcher.handle(encodeCall("snapshot", []));
    const second = await dispatcher.handle(encodeCall("snapshot", []));
    expect(second).toBe(first);
  });

  it("answers an unknown method with fault 1", async () => {
    const { dispatcher } = makeDispatcher();
    expect(await call(dispatcher, "nope")).toEqual({
      kind: "fault",
      code: 1,
      message: "method not found: nope",
    });
  });

  it("answers wrong params with -32602", async () => {
    const { dispatcher } = makeDispatcher();
    expect(await call(dispatcher, "system.methodHelp", [])).toMatchObject({ kind: "fault", code: -32602 });
  });

  it("hides internal errors behind a generic -32500 fault and logs them", async () => {
    const { dispatcher, logged } = makeDispatcher();
    const response = await dispatcher.handle(encodeCall("boom", []));
    expect(decodeMethodResponse(response)).toEqual({
      kind: "fault",
      code: -32500,
      message: "internal error",
    });
    expect(response.toString("utf8")).not.toContain("shadow");
    expect(logged.join("\n")).toContain("secret detail");
  });

  it("answers malformed XML with -32700 and an invalid document with -32600", async () => {
    const { dispatcher } = makeDispatcher();
    expect(decodeMethodResponse(await dispatcher.handle("<methodCall>"))).toMatchObject({ code: -32700 });
    expect(decodeMethodResponse(await dispatcher.handle("<foo/>"))).toMatchObject({ code: -32600 });
  });

  it("lists methods and gives help like Python's server", async () => {
    const { dispatcher } = makeDispatcher();
    expect(await call(dispatcher, "system.listMethods")).toEqual({
      kind: "result",
      value: ["boom", "ping", "snapshot", "system.listMethods", "system.methodHelp", "system.multicall"],
    });
    expect(await call(dispatcher, "system.methodHelp", ["ping"])).toEqual({
      kind: "result",
      value: "ping help",
    });
    expect(await call(dispatcher, "system.methodHelp", ["unknown"])).toEqual({ kind: "result", value: "" });
  });

  it("runs a multicall with per-call faults and refuses nesting", async () => {
    const { dispatcher } = makeDispatcher();
    const response = await call(dispatcher, "system.multicall", [
      [
        { methodName: "ping", params: [] },
        { methodName: "nope", params: [] },
        { methodName: "system.multicall", params: [[]] },
        { params: [] },
      ],
    ]);
    expect(response).toEqual({
      kind: "result",
      value: [
        ["pong"],
        { faultCode: 1, faultString: "method not found: nope" },
        { faultCode: -32600, faultString: "invalid request: system.multicall cannot be nested" },
        { faultCode: -32602, faultString: "invalid params: each call needs a methodName string" },
      ],
    });
  });

  it(`refuses a multicall of more than ${MULTICALL_MAX} calls`, async () => {
    const { dispatcher } = makeDispatcher();
    const calls = Array.from({ length: MULTICALL_MAX + 1 }, () => ({ methodName: "ping", params: [] }));
    expect(await call(dispatcher, "system.multicall", [calls])).toMatchObject({
      kind: "fault",
      code: -32602,
    });
    const allowed = await call(dispatcher, "system.multicall", [calls.slice(1)]);
    expect(allowed).toMatchObject({ kind: "result" });
  });
});
