import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { decodeMethodCall, decodeMethodResponse } from "./decode.js";
import { encodeCall, encodeResponse } from "./encode.js";
import { FAULT, XmlRpcFault } from "./fault.js";
import type { XmlRpcValue } from "./values.js";

/** mulberry32: a small seeded PRNG, so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  "a",
  "Z",
  "0",
  " ",
  "\t",
  "\n",
  "\r",
  "&",
  "<",
  ">",
  '"',
  "'",
  "]]>",
  "é",
  "€",
  "😀",
  "\uE000",
  "\uFFFD",
];

interface GenOptions {
  /** Python's dumps refuses ints outside int32, so the Python echo test stays within. */
  int32Only?: boolean;
}

function randomValue(rand: () => number, depth = 0, opts: GenOptions = {}): XmlRpcValue {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const text = (): string => Array.from({ length: Math.floor(rand() * 12) }, () => pick(PIECES)).join("");
  const kinds = depth < 4 ? 11 : 9;
  switch (Math.floor(rand() * kinds)) {
    case 0:
      return text();
    case 1:
      return Math.floor((rand() * 2 - 1) * 2 ** 31) + 0;
    case 2:
      return opts.int32Only
        ? Math.round(rand() * 1000) / 8
        : Math.floor((rand() * 2 - 1) * Number.MAX_SAFE_INTEGER) + 0;
    case 3: {
      // Any finite double, from random bits: exercises formatDouble across the whole range.
      const view = new DataView(new ArrayBuffer(8));
      view.setUint32(0, Math.floor(rand() * 2 ** 32));
      view.setUint32(4, Math.floor(rand() * 2 ** 32));
      const n = view.getFloat64(0);
      const ok = Number.isFinite(n) && !(opts.int32Only && Number.isInteger(n) && Math.abs(n) >= 2 ** 31);
      return ok ? n + 0 : 0.5;
    }
    case 4:
      return Math.round((rand() - 0.5) * 1e6) / 100;
    case 5:
      return rand() < 0.5;
    case 6:
      return null;
    case 7:
      return new Date(Math.floor(rand() * 6.3e9 - 2.2e9) * 1000); // whole seconds, 1900-2100
    case 8:
      return Buffer.from(Array.from({ length: Math.floor(rand() * 40) }, () => Math.floor(rand() * 256)));
    case 9:
      return Array.from({ length: Math.floor(rand() * 5) }, () => randomValue(rand, depth + 1, opts));
    default: {
      const struct: Record<string, XmlRpcValue> = {};
      for (let i = Math.floor(rand() * 5); i > 0; i--) struct[text()] = randomValue(rand, depth + 1, opts);
      return struct;
    }
  }
}

/** Runs fn; anything thrown must be an XmlRpcFault with a known code. */
function onlyFaults(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof XmlRpcFault)) throw error;
    expect([FAULT.PARSE_ERROR, FAULT.INVALID_REQUEST]).toContain(error.code);
  }
}

function python(script: string, input: string): string {
  return execFileSync("python3", ["-c", script], {
    input,
    encoding: "utf8",
    env: { ...process.env, PYTHONIOENCODING: "utf-8" },
  });
}

describe("round trip", () => {
  it.each<[string, XmlRpcValue]>([
    ["int32 edges", [0, 1, -1, 2 ** 31 - 1, -(2 ** 31)]],
    ["i8", [2 ** 31, -(2 ** 31) - 1, 2 ** 40, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]],
    ["doubles", [0.1, 1e21, 1e-7, 123456789.123, 2 ** 53, 1.7976931348623157e308, 5e-324, -2.5e-300]],
    ["nil", null],
    ["booleans", [true, false]],
    ["strings", ["", " padded\t", "a&b<c>d\"e'f]]>g", "line\r\nbreak\r", "é€😀\uE000\uFFFD"]],
    ["dates", [new Date("1998-07-17T14:08:55Z"), new Date("0050-01-01T00:00:00Z"), new Date(0)]],
    ["base64", [Buffer.alloc(0), Buffer.from([0, 255, 10, 13]), Buffer.alloc(1000, 7)]],
    ["empty containers", ["", [], {}]],
    ["nested", { a: [{ b: [[], {}, [null, { "": "empty key" }]] }], "key <&>": { deeper: [1, [2, [3]]] } }],
  ])("%s", (_name, value) => {
    expect(decodeMethodResponse(encodeResponse(value))).toEqual({ kind: "result", value });
    expect(decodeMethodCall(encodeCall("m", [value, value]))).toEqual({
      methodName: "m",
      params: [value, value],
    });
  });

  it("applies the documented normalisations", () => {
    const value = {
      negZero: -0,
      nan: NaN,
      inf: -Infinity,
      gone: undefined,
      holes: [undefined],
      ms: new Date("2024-05-06T07:08:09.999Z"),
      bad: "a\u0000b\uD800c\uFFFE",
      u8: new Uint8Array([1, 2]),
    };
    expect(decodeMethodResponse(encodeResponse(value))).toEqual({
      kind: "result",
      value: {
        negZero: 0,
        nan: null,
        inf: null,
        holes: [null],
        ms: new Date("2024-05-06T07:08:09Z"),
        bad: "abc",
        u8: Buffer.from([1, 2]),
      },
    });
    const doubles = decodeMethodResponse(encodeResponse({ x_s: -0 }, { isDoubleField: () => true }));
    expect(doubles.kind === "result" && Object.is((doubles.value as { x_s: number }).x_s, -0)).toBe(true);
  });

  it("random nested values survive (seeded)", () => {
    const rand = prng(20240501);
    for (let i = 0; i < 500; i++) {
      const value = randomValue(rand);
      expect(decodeMethodResponse(encodeResponse(value))).toEqual({ kind: "result", value });
      expect(decodeMethodCall(encodeCall("a.b", [value])).params).toEqual([value]);
    }
  });
});

describe("hostile input never throws anything but XmlRpcFault", () => {
  const decoders = [decodeMethodCall, decodeMethodResponse];

  it("random bytes", () => {
    const rand = prng(1);
    for (let i = 0; i < 1000; i++) {
      const bytes = Buffer.from(
        Array.from({ length: Math.floor(rand() * 200) }, () => Math.floor(rand() * 256)),
      );
      for (const decode of decoders) {
        onlyFaults(() => decode(bytes));
        onlyFaults(() => decode(bytes.toString("latin1")));
      }
    }
  });

  it("random XML-ish token soup", () => {
    const tokens = [
      "<methodCall>",
      "</methodCall>",
      "<methodResponse>",
      "<methodName>m</methodName>",
      "<params>",
      "</params>",
      "<param>",
      "</param>",
      "<value>",
      "</value>",
      "<value/>",
      "<int>",
      "</int>",
      "<struct>",
      "</struct>",
      "<member>",
      "<name>",
      "</name>",
      "<array><data>",
      "</data></array>",
      "<fault>",
      "<nil/>",
      "<![CDATA[",
      "]]>",
      "<!--",
      "-->",
      "<?xml version='1.0'?>",
      "<!DOCTYPE x>",
      "&amp;",
      "&#0;",
      "&x;",
      "<",
      ">",
      "/",
      "=",
      '"',
      "1",
      "abc",
      " ",
      "\uD800",
    ];
    const rand = prng(2);
    for (let i = 0; i < 3000; i++) {
      const body = Array.from(
        { length: Math.floor(rand() * 30) },
        () => tokens[Math.floor(rand() * tokens.length)],
      ).join("");
      for (const decode of decoders) onlyFaults(() => decode(body));
    }
  });

  it("every truncation and random mutations of valid documents", () => {
    const rand = prng(3);
    for (let i = 0; i < 30; i++) {
      const body = encodeCall("m", [randomValue(rand)]);
      for (let end = 0; end < body.length; end++) onlyFaults(() => decodeMethodCall(body.slice(0, end)));
      for (let j = 0; j < 50; j++) {
        const at = Math.floor(rand() * body.length);
        const mutated =
          body.slice(0, at) + String.fromCharCode(Math.floor(rand() * 128)) + body.slice(at + 1);
        onlyFaults(() => decodeMethodCall(mutated));
      }
    }
  });

  it("arrays nested beyond the depth limit", () => {
    for (const depth of [19, 20, 21, 50, 1000]) {
      const body = encodeCall("m", [[]]).replace(
        "<value><array><data>",
        "<value><array><data>".repeat(depth),
      );
      const balanced = body.replace("</data></array></value>", "</data></array></value>".repeat(depth));
      onlyFaults(() => decodeMethodCall(balanced));
      onlyFaults(() => decodeMethodCall(body));
    }
  });
});

// python3 is on every machine the tests run on (.ci/run installs it when missing)
describe("interop with Python's xmlrpc.client", () => {
  it("Python parses our encodeResponse output", () => {
    const value = {
      int: 42,
      neg: -2147483648,
      big: 2 ** 31,
      safe: 2 ** 53 - 1,
      double: 0.1,
      huge: 1e21,
      tiny: 1e-7,
      precise: 123456789.123,
      total_bytes: 1024,
      per_core_percent: [12, 40.5],
      flag: true,
      off: false,
      nothing: null,
      skipped: undefined,
      text: `a&b<c>d"e'f]]>g\r\n\t\u0001é😀`,
      "key <&>": "",
      when: new Date("1998-07-17T14:08:55Z"),
      blob: Buffer.from("hello"),
      empty: { a: [], o: {} },
      nan: NaN,
    };
    const xml = encodeResponse(value, { isDoubleField: (name) => /_(bytes|percent)$/.test(name) });
    const script =
      "import sys, xmlrpc.client; print(repr(xmlrpc.client.loads(sys.stdin.read(), use_builtin_types=True)))";
    expect(python(script, xml).trim()).toBe(
      "(({'int': 42, 'neg': -2147483648, 'big': 2147483648, 'safe': 9007199254740991, 'double': 0.1, " +
        "'huge': 1e+21, 'tiny': 1e-07, 'precise': 123456789.123, 'total_bytes': 1024.0, " +
        "'per_core_percent': [12.0, 40.5], 'flag': True, 'off': False, 'nothing': None, " +
        "'text': 'a&b<c>d\"e\\'f]]>g\\r\\n\\té😀', 'key <&>': '', " +
        "'when': datetime.datetime(1998, 7, 17, 14, 8, 55), 'blob': b'hello', 'empty': {'a': [], 'o': {}}, " +
        "'nan': None},), None)",
    );
  });

  it("random values survive a trip through Python (loads, then dumps back)", () => {
    const rand = prng(4);
    const values = Array.from({ length: 200 }, () => randomValue(rand, 0, { int32Only: true }));
    const script =
      "import sys, xmlrpc.client as x\n" +
      "params, _ = x.loads(sys.stdin.read(), use_builtin_types=True)\n" +
      "sys.stdout.write(x.dumps(params, methodresponse=True, allow_none=True))";
    const echoed = python(script, encodeResponse(values));
    // Python's dumps writes a CR raw, and XML 1.0 (§2.11) makes a parser read a raw CR as LF.
    expect(decodeMethodResponse(echoed)).toEqual({ kind: "result", value: values.map(crToLf) });
  });
});

function crToLf(value: XmlRpcValue): XmlRpcValue {
  const fix = (text: string) => text.replace(/\r\n?/g, "\n");
  if (typeof value === "string") return fix(value);
  if (Array.isArray(value)) return value.map(crToLf);
  if (value === null || typeof value !== "object" || value instanceof Date || Buffer.isBuffer(value))
    return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [fix(key), crToLf(child)]));
}
