import { describe, expect, it } from "vitest";
import { encodeCall, encodeFault, encodeResponse, encodeValue, escapeText, formatDouble } from "./encode.js";

const DECL = '<?xml version="1.0"?>\n';

describe("documents", () => {
  it("encodeResponse wraps one param", () => {
    expect(encodeResponse("pong")).toBe(
      `${DECL}<methodResponse><params><param><value><string>pong</string></value></param></params></methodResponse>`,
    );
  });

  it("encodeFault writes faultCode and faultString", () => {
    expect(encodeFault(1, "method not found: a<b")).toBe(
      `${DECL}<methodResponse><fault><value><struct>` +
        "<member><name>faultCode</name><value><int>1</int></value></member>" +
        "<member><name>faultString</name><value><string>method not found: a&lt;b</string></value></member>" +
        "</struct></value></fault></methodResponse>",
    );
    expect(encodeFault(1.5, "x")).toContain("<int>-32500</int>");
  });

  it("encodeCall writes the method name and params", () => {
    expect(encodeCall("system.methodHelp", ["ping", 1])).toBe(
      `${DECL}<methodCall><methodName>system.methodHelp</methodName><params>` +
        "<param><value><string>ping</string></value></param><param><value><int>1</int></value></param>" +
        "</params></methodCall>",
    );
    expect(encodeCall("get_metrics", [])).toBe(
      `${DECL}<methodCall><methodName>get_metrics</methodName><params></params></methodCall>`,
    );
  });

  it("encodeCall refuses a bad method name", () => {
    expect(() => encodeCall("", [])).toThrow(Error);
    expect(() => encodeCall("a<b", [])).toThrow(Error);
  });
});

describe("numbers", () => {
  it.each([
    [0, "<int>0</int>"],
    [-0, "<int>0</int>"],
    [-1, "<int>-1</int>"],
    [2 ** 31 - 1, "<int>2147483647</int>"],
    [-(2 ** 31), "<int>-2147483648</int>"],
    [2 ** 31, "<i8>2147483648</i8>"],
    [-(2 ** 31) - 1, "<i8>-2147483649</i8>"],
    [Number.MAX_SAFE_INTEGER, "<i8>9007199254740991</i8>"],
    [2 ** 53, "<double>9007199254740992.0</double>"],
    [1e21, "<double>1000000000000000000000.0</double>"],
    [1.5, "<double>1.5</double>"],
    [0.1, "<double>0.1</double>"],
    [1e-7, "<double>0.0000001</double>"],
    [123456789.123, "<double>123456789.123</double>"],
    [NaN, "<nil/>"],
    [Infinity, "<nil/>"],
    [-Infinity, "<nil/>"],
  ])("%s → %s", (n, xml) => {
    expect(encodeValue(n)).toBe(`<value>${xml}</value>`);
  });

  it.each([
    [0, "0.0"],
    [-0, "-0.0"],
    [12, "12.0"],
    [-3, "-3.0"],
    [0.1, "0.1"],
    [1e21, "1000000000000000000000.0"],
    [1.2345e25, "12345000000000000000000000.0"],
    [1e-7, "0.0000001"],
    [-1.5e-10, "-0.00000000015"],
    [1.7976931348623157e308, `179769313486231570${"0".repeat(291)}.0`],
    [5e-324, `0.${"0".repeat(323)}5`],
  ])("formatDouble(%s) = %s", (n, text) => {
    expect(formatDouble(n)).toBe(text);
    expect(Number(text)).toBe(n);
  });

  it("formatDouble refuses non-finite numbers", () => {
    expect(() => formatDouble(NaN)).toThrow(Error);
  });

  it("encodes bigint as int or i8", () => {
    expect(encodeValue(5n)).toBe("<value><int>5</int></value>");
    expect(encodeValue(2n ** 40n)).toBe("<value><i8>1099511627776</i8></value>");
    expect(encodeValue(-(2n ** 63n))).toBe("<value><i8>-9223372036854775808</i8></value>");
    expect(() => encodeValue(2n ** 63n)).toThrow(Error);
  });
});

describe("double fields", () => {
  const isDoubleField = (name: string): boolean => name.endsWith("_bytes") || name.endsWith("_percent");

  it("writes whole numbers as <double> in matching members and arrays under them", () => {
    const xml = encodeValue(
      { total_bytes: 1024, count: 3, per_core_percent: [12, 40.5, null], nested: { x_percent: 1, pid: 7 } },
      { isDoubleField },
    );
    expect(xml).toBe(
      "<value><struct>" +
        "<member><name>total_bytes</name><value><double>1024.0</double></value></member>" +
        "<member><name>count</name><value><int>3</int></value></member>" +
        "<member><name>per_core_percent</name><value><array><data><value><double>12.0</double></value>" +
        "<value><double>40.5</double></value><value><nil/></value></data></array></value></member>" +
        "<member><name>nested</name><value><struct>" +
        "<member><name>x_percent</name><value><double>1.0</double></value></member>" +
        "<member><name>pid</name><value><int>7</int></value></member>" +
        "</struct></value></member></struct></value>",
    );
  });

  it("keeps large byte counts exact and non-finite values as nil", () => {
    expect(encodeValue({ used_bytes: 2 ** 53 - 1 }, { isDoubleField })).toContain(
      "<double>9007199254740991.0</double>",
    );
    expect(encodeValue({ used_bytes: NaN }, { isDoubleField })).toContain("<value><nil/></value>");
  });
});

describe("other types", () => {
  it.each([
    [null, "<nil/>"],
    [undefined, "<nil/>"],
    [true, "<boolean>1</boolean>"],
    [false, "<boolean>0</boolean>"],
    ["", "<string></string>"],
    [[], "<array><data></data></array>"],
    [{}, "<struct></struct>"],
    [new Date("1998-07-17T14:08:55.789Z"), "<dateTime.iso8601>19980717T14:08:55</dateTime.iso8601>"],
    [new Date("0050-01-02T03:04:05Z"), "<dateTime.iso8601>00500102T03:04:05</dateTime.iso8601>"],
    [new Date(NaN), "<nil/>"],
    [Buffer.from("hello"), "<base64>aGVsbG8=</base64>"],
    [new Uint8Array([1, 2, 3]), "<base64>AQID</base64>"],
    [new Uint8Array([0, 1, 2, 3]).subarray(1, 3), "<base64>AQI=</base64>"],
  ])("%s → %s", (value, xml) => {
    expect(encodeValue(value)).toBe(`<value>${xml}</value>`);
  });

  it("omits undefined members and writes undefined array items as nil", () => {
    expect(encodeValue({ a: undefined, b: [undefined] })).toBe(
      "<value><struct><member><name>b</name><value><array><data><value><nil/></value></data></array></value></member></struct></value>",
    );
  });

  it("refuses dates outside four-digit years", () => {
    expect(() => encodeValue(new Date("+010000-01-01T00:00:00Z"))).toThrow(Error);
  });

  it("refuses functions and symbols", () => {
    expect(() => encodeValue(() => 1)).toThrow(Error);
    expect(() => encodeValue({ s: Symbol("x") })).toThrow(Error);
  });

  it("refuses cycles and values nested too deeply", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encodeResponse(cyclic)).toThrow(/nested deeper than 64 levels, or cyclic/);
    const list: unknown[] = [];
    list.push(list);
    expect(() => encodeValue(list)).toThrow(Error);
    let deep: unknown = 1;
    for (let i = 0; i < 5; i++) deep = [deep];
    expect(() => encodeValue(deep, { maxDepth: 4 })).toThrow(Error);
    expect(encodeValue(deep, { maxDepth: 5 })).toContain("<int>1</int>");
  });

  it("encodes a shared (acyclic) object twice", () => {
    const shared = { a: 1 };
    expect(encodeValue([shared, shared])).toBe(
      "<value><array><data>" +
        "<value><struct><member><name>a</name><value><int>1</int></value></member></struct></value>".repeat(
          2,
        ) +
        "</data></array></value>",
    );
  });
});

describe("text", () => {
  it("escapes markup characters", () => {
    expect(escapeText(`a&b<c>d"e'f]]>g`)).toBe("a&amp;b&lt;c&gt;d\"e'f]]&gt;g");
    expect(encodeValue("]]>")).toBe("<value><string>]]&gt;</string></value>");
  });

  it("keeps tab, LF, CR (as a reference) and all valid Unicode", () => {
    expect(escapeText("a\tb\nc\rd")).toBe("a\tb\nc&#13;d");
    expect(escapeText("é€\u{1F600}\uFFFD\uE000\u007F")).toBe("é€\u{1F600}\uFFFD\uE000\u007F");
  });

  it("removes characters XML 1.0 does not allow", () => {
    expect(escapeText("a\u0000b\u0001c\u0008d\u000Be\u000Cf\u001Fg\uFFFEh\uFFFFi")).toBe("abcdefghi");
    expect(escapeText("lone \uD800 high, lone \uDC00 low, reversed \uDE00\uD83D!")).toBe(
      "lone  high, lone  low, reversed !",
    );
  });

  it("escapes struct member names the same way", () => {
    expect(encodeValue({ "a<b\u0000": 1 })).toBe(
      "<value><struct><member><name>a&lt;b</name><value><int>1</int></value></member></struct></value>",
    );
  });
});
