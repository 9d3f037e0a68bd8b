import { describe, expect, it } from "vitest";
import { decodeMethodCall, decodeMethodResponse } from "./decode.js";
import { FAULT, XmlRpcFault } from "./fault.js";
import type { XmlRpcValue } from "./values.js";

/** What xmlrpc.client.dumps((1, "a", None, 2.5), "m", allow_none=True) produces (Python 3.11). */
const PYTHON_CALL =
  "<?xml version='1.0'?>\n<methodCall>\n<methodName>m</methodName>\n<params>\n<param>\n<value><int>1</int></value>\n</param>\n<param>\n<value><string>a</string></value>\n</param>\n<param>\n<value><nil/></value></param>\n<param>\n<value><double>2.5</double></value>\n</param>\n</params>\n</methodCall>\n";

/** xmlrpc.client.dumps(({"a": [1, 2.5, True], "b": datetime(1998, 7, 17, 14, 8, 55), "c": b"hello world" * 10,
 *  "d": None, "e": "x<&>y"},), methodresponse=True, allow_none=True) */
const PYTHON_RESPONSE =
  "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n<member>\n<name>a</name>\n<value><array><data>\n<value><int>1</int></value>\n<value><double>2.5</double></value>\n<value><boolean>1</boolean></value>\n</data></array></value>\n</member>\n<member>\n<name>b</name>\n<value><dateTime.iso8601>19980717T14:08:55</dateTime.iso8601></value>\n</member>\n<member>\n<name>c</name>\n<value><base64>\naGVsbG8gd29ybGRoZWxsbyB3b3JsZGhlbGxvIHdvcmxkaGVsbG8gd29ybGRoZWxsbyB3b3JsZGhl\nbGxvIHdvcmxkaGVsbG8gd29ybGRoZWxsbyB3b3JsZGhlbGxvIHdvcmxkaGVsbG8gd29ybGQ=\n</base64></value>\n</member>\n<member>\n<name>d</name>\n<value><nil/></value></member>\n<member>\n<name>e</name>\n<value><string>x&lt;&amp;&gt;y</string></value>\n</member>\n</struct></value>\n</param>\n</params>\n</methodResponse>\n";

/** xmlrpc.client.dumps(Fault(4, "Too many <params>"), methodresponse=True) */
const PYTHON_FAULT =
  "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>4</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>Too many &lt;params&gt;</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n";

const DECL = '<?xml version="1.0"?>';
const call = (params: string, name = "m"): string =>
  `<methodCall><methodName>${name}</methodName><params>${params}</params></methodCall>`;
const withValue = (inner: string): string => call(`<param><value>${inner}</value></param>`);
const decodeOne = (inner: string): XmlRpcValue | undefined => decodeMethodCall(withValue(inner)).params[0];

function faultOf(fn: () => unknown): XmlRpcFault {
  try {
    fn();
  } catch (error) {
    if (error instanceof XmlRpcFault) return error;
    throw new Error(`expected an XmlRpcFault, got ${String(error)}`);
  }
  throw new Error("expected an XmlRpcFault, nothing was thrown");
}
const parseFault = (body: string | Buffer): XmlRpcFault => faultOf(() => decodeMethodCall(body));

describe("decodeMethodCall", () => {
  it("parses the document Python's xmlrpc.client sends", () => {
    expect(decodeMethodCall(PYTHON_CALL)).toEqual({ methodName: "m", params: [1, "a", null, 2.5] });
    expect(decodeMethodCall(Buffer.from(PYTHON_CALL))).toEqual({
      methodName: "m",
      params: [1, "a", null, 2.5],
    });
  });

  it("treats missing or empty <params> as no params", () => {
    const bare = "<methodCall><methodName>get_metrics</methodName></methodCall>";
    expect(decodeMethodCall(bare)).toEqual({ methodName: "get_metrics", params: [] });
    expect(decodeMethodCall(call(""))).toEqual({ methodName: "m", params: [] });
  });

  it("accepts method names with dots, colons, slashes and underscores", () => {
    expect(decodeMethodCall(call("", "system.multicall")).methodName).toBe("system.multicall");
    expect(decodeMethodCall(call("", "a_b:c/d.9")).methodName).toBe("a_b:c/d.9");
  });

  it.each([
    ["an empty name", ""],
    ["a space", "get metrics"],
    ["a dash", "get-metrics"],
    ["padding", " ping"],
  ])("rejects a method name with %s", (_what, name) => {
    expect(parseFault(call("", name)).code).toBe(FAULT.INVALID_REQUEST);
  });

  it("accepts a UTF-8 BOM and ignores comments and attributes", () => {
    const body = `\uFEFF<methodCall a="1"><!-- hi --><methodName>m</methodName><params><param><value><i4> 5<!-- x --></i4></value></param></params></methodCall>`;
    expect(decodeMethodCall(body).params).toEqual([5]);
    expect(
      decodeMethodCall(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(call(""))])).params,
    ).toEqual([]);
  });

  it("decodes a latin-1 body when the declaration says so", () => {
    const body = Buffer.from(
      `<?xml version="1.0" encoding="ISO-8859-1"?><methodCall><methodName>m</methodName><params><param><value>caf\u00e9</value></param></params></methodCall>`,
      "latin1",
    );
    expect(decodeMethodCall(body).params).toEqual(["caf\u00e9"]);
  });
});

describe("scalars", () => {
  it.each([
    ["<int>42</int>", 42],
    ["<i4>-7</i4>", -7],
    ["<int> +12 </int>", 12],
    ["<int>-0</int>", 0],
    ["<int>007</int>", 7],
    ["<int>2147483647</int>", 2147483647],
    ["<int>-2147483648</int>", -2147483648],
    ["<i8>2147483648</i8>", 2147483648],
    ["<i8>9007199254740991</i8>", Number.MAX_SAFE_INTEGER],
    ["<i8>-9007199254740991</i8>", -Number.MAX_SAFE_INTEGER],
    ["<ex:i8>5</ex:i8>", 5],
    ["<boolean>1</boolean>", true],
    ["<boolean> 0 </boolean>", false],
    ["<double>1.5</double>", 1.5],
    ["<double>1e+20</double>", 1e20],
    ["<double>-1.5E-7</double>", -1.5e-7],
    ["<double>.5</double>", 0.5],
    ["<double>5.</double>", 5],
    ["<double>+3</double>", 3],
    ["<double>1000000000000000000000.0</double>", 1e21],
    ["<ex:float>0.25</ex:float>", 0.25],
    ["<nil/>", null],
    ["<nil></nil>", null],
    ['<ex:nil xmlns:ex="http://ws.apache.org/xmlrpc/namespaces/extensions"/>', null],
    ["<base64>aGVsbG8=</base64>", Buffer.from("hello")],
    ["<base64>\naGVs\r\n bG8=\n</base64>", Buffer.from("hello")],
    ["<base64/>", Buffer.alloc(0)],
  ])("%s", (inner, expected) => {
    expect(decodeOne(inner)).toEqual(expected);
  });

  it("keeps negative zero in a double", () => {
    expect(Object.is(decodeOne("<double>-0.0</double>"), -0)).toBe(true);
  });

  it.each([
    ["<int>abc</int>"],
    ["<int>99999999999</int>"],
    ["<int>2147483648</int>"],
    ["<i4>-2147483649</i4>"],
    ["<int></int>"],
    ["<int>1.0</int>"],
    ["<int>1 2</int>"],
    ["<int>0x10</int>"],
    ["<i8>9007199254740992</i8>"],
    ["<i8>99999999999999999999</i8>"],
    ["<boolean>2</boolean>"],
    ["<boolean>true</boolean>"],
    ["<boolean></boolean>"],
    ["<double>abc</double>"],
    ["<double>inf</double>"],
    ["<double>nan</double>"],
    ["<double>NaN</double>"],
    ["<double>Infinity</double>"],
    ["<double>1e999</double>"],
    ["<double></double>"],
    ["<double>0x10</double>"],
    ["<double>1e</double>"],
    ["<dateTime.iso8601>yesterday</dateTime.iso8601>"],
    ["<dateTime.iso8601>20240230T00:00:00</dateTime.iso8601>"],
    ["<dateTime.iso8601>20230229T00:00:00</dateTime.iso8601>"],
    ["<dateTime.iso8601>20241301T00:00:00</dateTime.iso8601>"],
    ["<dateTime.iso8601>20240101T24:00:00</dateTime.iso8601>"],
    ["<dateTime.iso8601>20240101T12:00:00+25:00</dateTime.iso8601>"],
    ["<base64>!!!!</base64>"],
    ["<base64>abc</base64>"],
    ["<base64>a=bc</base64>"],
    ["<nil>x</nil>"],
    ["<float>1.5</float>"],
    ["<string><b>x</b></string>"],
  ])("%s is an invalid-request fault", (inner) => {
    const fault = parseFault(withValue(inner));
    expect(fault.code).toBe(FAULT.INVALID_REQUEST);
    expect(fault.message).toMatch(/^invalid request: /);
  });

  it.each([
    ["19980717T14:08:55", "1998-07-17T14:08:55.000Z"],
    ["1998-07-17T14:08:55", "1998-07-17T14:08:55.000Z"],
    ["19980717T140855", "1998-07-17T14:08:55.000Z"],
    ["1998-07-17T14:08:55Z", "1998-07-17T14:08:55.000Z"],
    ["1998-07-17T14:08:55.123456", "1998-07-17T14:08:55.123Z"],
    ["1998-07-17T14:08:55.5Z", "1998-07-17T14:08:55.500Z"],
    ["1998-07-17T14:08:55+02:00", "1998-07-17T12:08:55.000Z"],
    ["19980717T14:08:55-0130", "1998-07-17T15:38:55.000Z"],
    ["20240229T00:00:00", "2024-02-29T00:00:00.000Z"],
    ["00500101T00:00:00", "0050-01-01T00:00:00.000Z"],
    [" 19980717T14:08:55\n", "1998-07-17T14:08:55.000Z"],
  ])("dateTime.iso8601 %s", (text, iso) => {
    const value = decodeOne(`<dateTime.iso8601>${text}</dateTime.iso8601>`);
    expect(value).toBeInstanceOf(Date);
    expect((value as Date).toISOString()).toBe(iso);
  });
});

describe("strings and text", () => {
  it("keeps whitespace in <string> and in bare text", () => {
    expect(decodeOne("<string>  a b \n</string>")).toBe("  a b \n");
    expect(decodeOne("  bare text\t")).toBe("  bare text\t");
    expect(decodeOne("   ")).toBe("   ");
  });

  it("reads empty values as empty strings", () => {
    expect(decodeMethodCall(call("<param><value/></param><param><value></value></param>")).params).toEqual([
      "",
      "",
    ]);
    expect(decodeOne("<string/>")).toBe("");
  });

  it("ignores whitespace around a typed element", () => {
    expect(decodeOne("\n  <int>1</int>\n")).toBe(1);
  });

  it("resolves the XML entities, character references and CDATA", () => {
    expect(decodeOne("<string>&amp;&lt;&gt;&quot;&apos;&#65;&#x42;&#x1F600;</string>")).toBe(
      "&<>\"'AB\u{1F600}",
    );
    expect(decodeOne("<string><![CDATA[<not> & markup]]></string>")).toBe("<not> & markup");
    expect(decodeOne("a<!-- c -->b")).toBe("ab");
  });

  it("rejects text mixed with a typed element", () => {
    expect(parseFault(withValue("x<int>1</int>")).code).toBe(FAULT.INVALID_REQUEST);
  });
});

describe("structs and arrays", () => {
  it("decodes nested containers", () => {
    const inner =
      "<struct><member><name>a</name><value><array><data><value><int>1</int></value><value>x</value>" +
      "<value><struct></struct></value></data></array></value></member>" +
      "<member><name> spaced name </name><value><array><data/></array></value></member></struct>";
    expect(decodeOne(inner)).toEqual({ a: [1, "x", {}], " spaced name ": [] });
  });

  it("accepts an <array> without <data> as empty", () => {
    expect(decodeOne("<array></array>")).toEqual([]);
  });

  it("lets the last duplicate member win", () => {
    const inner =
      "<struct><member><name>k</name><value>1</value></member><member><name>k</name><value>2</value></member></struct>";
    expect(decodeOne(inner)).toEqual({ k: "2" });
  });

  it("stores a __proto__ member as data, not as the prototype", () => {
    const value = decodeOne(
      "<struct><member><name>__proto__</name><value><struct><member><name>polluted</name><value>1</value></member></struct></value></member></struct>",
    ) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ["a member without a name", "<struct><member><value>1</value></member></struct>"],
    ["a member without a value", "<struct><member><name>a</name></member></struct>"],
    ["a member with the value first", "<struct><member><value>1</value><name>a</name></member></struct>"],
    [
      "a member with two values",
      "<struct><member><name>a</name><value>1</value><value>2</value></member></struct>",
    ],
    ["text in a struct", "<struct>oops</struct>"],
    ["a value directly in an array", "<array><value>1</value></array>"],
    ["two data elements", "<array><data/><data/></array>"],
    ["two typed elements", "<int>1</int><int>2</int>"],
    ["an unknown type", "<integer>1</integer>"],
  ])("rejects %s", (_what, inner) => {
    expect(parseFault(withValue(inner)).code).toBe(FAULT.INVALID_REQUEST);
  });
});

describe("document structure", () => {
  it.each([
    ["a foreign root", "<foo/>"],
    ["a methodResponse sent as a call", PYTHON_FAULT],
    ["a missing methodName", "<methodCall><params/></methodCall>"],
    ["params before methodName", "<methodCall><params/><methodName>m</methodName></methodCall>"],
    ["two methodNames", "<methodCall><methodName>m</methodName><methodName>n</methodName></methodCall>"],
    ["a param without a value", call("<param></param>")],
    ["a param with two values", call("<param><value>1</value><value>2</value></param>")],
    ["text in params", call("hello")],
    ["an element in methodName", "<methodCall><methodName><b>m</b></methodName></methodCall>"],
  ])("%s is an invalid request", (_what, body) => {
    const fault = parseFault(body);
    expect(fault.code).toBe(FAULT.INVALID_REQUEST);
    expect(fault.message).toMatch(/^invalid request: /);
  });

  it.each([
    ["an unclosed document", "<methodCall>"],
    ["an empty body", ""],
    ["whitespace only", "  \n"],
    ["plain text", "hello"],
    ["JSON", '{"methodName":"m"}'],
    ["mismatched tags", "<methodCall><methodName>m</methodCall></methodName>"],
    ["two roots", `${call("")}<methodCall/>`],
    ["trailing text", `${call("")}x`],
    ["an unquoted attribute", "<methodCall a=1><methodName>m</methodName></methodCall>"],
    ["an HTML entity", withValue("&nbsp;")],
    ["an unknown entity", withValue("&foo;")],
    ["a NUL character reference", withValue("&#0;")],
    ["a processing instruction", `${DECL}<?xml-stylesheet href="x"?>${call("")}`],
    ["two XML declarations", `${DECL}${DECL}${call("")}`],
    ["a PI inside the document", withValue("<?php echo 1 ?>")],
    ["a late XML declaration", `<methodCall><?xml version="1.0"?><methodName>m</methodName></methodCall>`],
    ["an SGML declaration", `<!ELEMENT x ANY>${call("")}`],
  ])("%s is a parse error", (_what, body) => {
    const fault = parseFault(body);
    expect(fault.code).toBe(FAULT.PARSE_ERROR);
    expect(fault.message).toMatch(/^parse error: /);
    expect(fault.message).not.toContain("\n");
  });

  it("refuses a DOCTYPE", () => {
    const fault = parseFault(`${DECL}<!DOCTYPE methodCall>${call("")}`);
    expect(fault.code).toBe(FAULT.PARSE_ERROR);
    expect(fault.message).toContain("DOCTYPE is not allowed");
  });

  it("refuses a billion-laughs payload", () => {
    const entities = ['<!ENTITY lol0 "lol">'];
    for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
    const body = `${DECL}<!DOCTYPE lolz [${entities.join("")}]>${withValue("&lol9;")}`;
    const fault = parseFault(body);
    expect(fault.code).toBe(FAULT.PARSE_ERROR);
    // Even without the DOCTYPE, the entity reference itself is refused.
    expect(parseFault(withValue("&lol9;")).code).toBe(FAULT.PARSE_ERROR);
  });

  it("refuses external entities", () => {
    const body = `<!DOCTYPE m [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${withValue("&xxe;")}`;
    expect(parseFault(body).code).toBe(FAULT.PARSE_ERROR);
  });

  it("rejects a Buffer that is not UTF-8 or declares an unknown encoding", () => {
    expect(parseFault(Buffer.from([0x3c, 0x61, 0xff, 0xfe, 0x3e])).code).toBe(FAULT.PARSE_ERROR);
    const ebcdic = Buffer.from(`<?xml version="1.0" encoding="EBCDIC-US"?>${call("")}`);
    expect(parseFault(ebcdic).message).toContain("unsupported encoding");
  });
});

describe("limits", () => {
  // methodCall/params/param = 3 levels, then value/array/data = 3 levels per array.
  const nested = (arrays: number, innermost: string): string =>
    call(
      `<param>${"<value><array><data>".repeat(arrays)}${innermost}${"</data></array></value>".repeat(arrays)}</param>`,
    );

  it("allows 64 levels of elements and refuses 65", () => {
    expect(decodeMethodCall(nested(20, "<value/>")).params).toHaveLength(1);
    const fault = parseFault(nested(20, "<value><nil/></value>"));
    expect(fault.code).toBe(FAULT.PARSE_ERROR);
    expect(fault.message).toContain("nested deeper than 64");
  });

  it("stops a very deep document early", () => {
    const fault = parseFault(nested(100_000, ""));
    expect(fault.message).toContain("nested deeper than 64");
  });

  it("takes a custom depth", () => {
    expect(faultOf(() => decodeMethodCall(nested(2, ""), { maxDepth: 8 })).code).toBe(FAULT.PARSE_ERROR);
    expect(decodeMethodCall(nested(2, ""), { maxDepth: 9 }).params).toEqual([[[]]]);
  });

  it("limits the number of elements", () => {
    const values = (n: number): string =>
      call(`<param><value><array><data>${"<value/>".repeat(n)}</data></array></value></param>`);
    // methodCall, methodName, params, param, value, array, data: 7 elements besides the n values
    expect(decodeMethodCall(values(100_000 - 7)).params).toHaveLength(1);
    expect(parseFault(values(100_000 - 6)).message).toContain("more than 100000 elements");
    expect(faultOf(() => decodeMethodCall(values(10), { maxNodes: 10 })).code).toBe(FAULT.PARSE_ERROR);
  });

  it("limits the total text", () => {
    const mib = 1024 * 1024;
    const big = (n: number): string =>
      `<methodCall><methodName>m</methodName><params><param><value>${"x".repeat(n)}</value></param></params></methodCall>`;
    expect(decodeMethodCall(big(mib - 1)).params[0]).toHaveLength(mib - 1);
    expect(parseFault(big(mib + 1)).message).toContain("text content exceeds");
    expect(faultOf(() => decodeMethodCall(withValue("x".repeat(100)), { maxStringLength: 50 })).code).toBe(
      FAULT.PARSE_ERROR,
    );
  });
});

describe("decodeMethodResponse", () => {
  it("parses a Python response", () => {
    expect(decodeMethodResponse(PYTHON_RESPONSE)).toEqual({
      kind: "result",
      value: {
        a: [1, 2.5, true],
        b: new Date("1998-07-17T14:08:55Z"),
        c: Buffer.from("hello world".repeat(10)),
        d: null,
        e: "x<&>y",
      },
    });
  });

  it("parses a Python fault", () => {
    expect(decodeMethodResponse(PYTHON_FAULT)).toEqual({
      kind: "fault",
      code: 4,
      message: "Too many <params>",
    });
  });

  it.each([
    ["no param", "<methodResponse><params></params></methodResponse>"],
    [
      "two params",
      "<methodResponse><params><param><value>1</value></param><param><value>2</value></param></params></methodResponse>",
    ],
    ["an empty response", "<methodResponse></methodResponse>"],
    ["params and fault", "<methodResponse><params/><fault/></methodResponse>"],
    ["a fault that is not a struct", "<methodResponse><fault><value>oops</value></fault></methodResponse>"],
    [
      "a fault without faultString",
      "<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>1</int></value></member></struct></value></fault></methodResponse>",
    ],
    [
      "a fractional faultCode",
      "<methodResponse><fault><value><struct><member><name>faultCode</name><value><double>1.5</double></value></member><member><name>faultString</name><value>x</value></member></struct></value></fault></methodResponse>",
    ],
    ["a methodCall", PYTHON_CALL],
  ])("rejects %s", (_what, body) => {
    const fault = faultOf(() => decodeMethodResponse(body));
    expect(fault.code).toBe(FAULT.INVALID_REQUEST);
    expect(fault.message).toMatch(/^invalid response: /);
  });

  it("reports malformed XML as a parse error", () => {
    expect(faultOf(() => decodeMethodResponse("<methodResponse>")).code).toBe(FAULT.PARSE_ERROR);
  });
});
