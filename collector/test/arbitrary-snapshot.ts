/**
 * fast-check generators for the property tests of the record encodings (test code: collector/test
 * is not part of tsconfig.build.json, so nothing here ships).
 *
 * A snapshot is generated the way the collector gets one: an arbitrary XML-RPC value shaped
 * loosely like the get_metrics contract (SNAPSHOT_SPEC), with fields missing, of the wrong type,
 * at the edges of their type, and with keys the contract does not know, run through the real
 * normaliseSnapshot. So "every snapshot generated" is "what the normaliser can produce".
 */
import fc from "fast-check";
import type { XmlRpcStruct, XmlRpcValue } from "../../common/src/xmlrpc/index.js";
import type { AlertNotification, NotificationKind } from "../src/alerts/evaluator/types.js";
import { METRICS } from "../src/alerts/evaluator/types.js";
import { SNAPSHOT_SPEC } from "../src/polling/normalise/contract-spec.js";
import { normaliseSnapshot } from "../src/polling/normalise/normalise-snapshot.js";
import type { NormalisedSnapshot } from "../src/polling/normalise/normalised-snapshot.js";
import type { Spec, StructSpec } from "../src/polling/normalise/spec.js";
import type { AlertRecord, PollEvent, PollSample } from "../src/storage/records.js";

// ---------------------------------------------------------------------------------------------
// Scalars at the edges

/** Numbers where encoders break: signs, -0, int32/uint32/int64/uint64 limits, huge, tiny, halves. */
export const EDGE_NUMBERS: readonly number[] = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  99.95,
  100,
  100.05,
  1e-7,
  -1e-7,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  2 ** 32 - 1,
  4_294_967_295.4,
  4_294_967_295.5,
  2 ** 32,
  2 ** 53 - 1,
  2 ** 53 + 2,
  -(2 ** 53),
  1.8e19,
  2 ** 64 - 2048, // the largest double below 2^64
  2 ** 64,
  1e21,
  1.5e21,
  -1e21,
  1e300,
  1e308,
  -1e308,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
];

const number: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EDGE_NUMBERS) },
  { weight: 2, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 2, arbitrary: fc.double({ min: 0, max: 100, noNaN: true }) },
  { weight: 1, arbitrary: fc.maxSafeInteger() },
  // the XML-RPC decoder never gives these, the normaliser must drop them anyway
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
);

/** Strings where encoders break: markup, quotes, escapes, control and line characters, surrogates. */
export const EDGE_STRINGS: readonly string[] = [
  "",
  " ",
  "a ",
  "/",
  "<script>alert(1)</script>",
  `"><img src=x onerror=alert(2)>`,
  "'",
  "''; DROP TABLE samples; --",
  '"',
  "\\",
  "\\N",
  "\\0",
  "NULL",
  "null",
  "\t",
  "a\tb",
  "\n",
  "\r\n",
  "\0",
  "\u0001\u001f\u007f",
  "\u001b[31mred\u001b[0m",
  "\u0085",
  "\u2028\u2029",
  "\ud800",
  "\udfff",
  "x\ud83d",
  "😀",
  "é",
  "e\u0301",
  "\u202egnp.exe",
  "\ufeff",
  "\uffff",
  '"mount":"',
  ',"f":[',
  '"usage_percent":1',
  "]}",
  "x".repeat(256),
  "é".repeat(300),
  "😀".repeat(300),
  "y".repeat(1025),
  "z".repeat(16_384),
];

const longString: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom("a", "é", "😀", "\\", "'", "\t"), fc.integer({ min: 60, max: 800 }))
  .map(([unit, n]) => unit.repeat(n));

export const string: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 10 }) },
  { weight: 1, arbitrary: longString },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.string({ maxLength: 5 }),
        fc.constantFrom(...EDGE_STRINGS.slice(0, 33)),
        fc.string({ maxLength: 5 }),
      )
      .map((parts) => parts.join("")),
  },
);

const MIN_DATE_MS = -8.64e15;
const MAX_DATE_MS = 8.64e15;

/** Times an agent may send: ISO strings in many forms and years, XML-RPC dateTimes, garbage. */
const timestampValue: fc.Arbitrary<XmlRpcValue> = fc.oneof(
  { weight: 3, arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) },
  {
    weight: 2,
    arbitrary: fc.date({ min: new Date("1999-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom<XmlRpcValue>(
      new Date(MIN_DATE_MS),
      new Date(MAX_DATE_MS),
      new Date(0),
      new Date(Date.UTC(999, 11, 31, 23, 59, 59, 999)),
      new Date(Date.UTC(1000, 0, 1)),
      new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)),
      new Date(Date.UTC(10_000, 0, 1)),
      "2026-11-22 06:21:10",
      "2026-11-22T06:21:10.123456789",
      "2026-11-22T06:21:10+14:00",
      "+275760-09-13T00:00:00.000Z",
      "-271821-04-20T00:00:00.000Z",
      "0000-01-01T00:00:00.000Z",
      "1",
      "Tue, 01 Jan 2030 00:00:00 GMT",
      "not a time",
      "",
    ),
  },
  { weight: 1, arbitrary: string },
);

/** Any XML-RPC value, nested a little. */
export const anyXmlRpcValue: fc.Arbitrary<XmlRpcValue> = fc.letrec<{ value: XmlRpcValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    number,
    string,
    fc.boolean(),
    fc.constant(null),
    fc.date({ noInvalidDate: true }),
    fc.uint8Array({ maxLength: 8 }).map((bytes) => Buffer.from(bytes)),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.oneof(string, fc.constantFrom("mount", "name", "pid", "__proto__")), tie("value"), {
      maxKeys: 3,
    }),
  ),
})).value;

// ---------------------------------------------------------------------------------------------
// Contract-shaped values

function weighted<T>(right: fc.Arbitrary<T>, wrong: fc.Arbitrary<XmlRpcValue>): fc.Arbitrary<XmlRpcValue> {
  return fc.oneof(
    { weight: 8, arbitrary: right as fc.Arbitrary<XmlRpcValue> },
    { weight: 1, arbitrary: wrong },
  );
}

/** The spec's arrays hold a few elements; now and then more than a page shows (50). */
const arrayLength = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0, max: 4 }) },
  { weight: 1, arbitrary: fc.integer({ min: 48, max: 70 }) },
);

function valueFor(spec: Spec): fc.Arbitrary<XmlRpcValue> {
  switch (spec) {
    case "number":
      return weighted(number, anyXmlRpcValue);
    case "string":
      return weighted(string, anyXmlRpcValue);
    case "boolean":
      return weighted(fc.boolean(), anyXmlRpcValue);
    case "timestamp":
      return weighted(timestampValue, anyXmlRpcValue);
  }
  if ("nullable" in spec) {
    return fc.oneof(
      { weight: 1, arbitrary: fc.constant(null) },
      { weight: 3, arbitrary: valueFor(spec.nullable) },
    );
  }
  if ("oneOf" in spec) return weighted(fc.constantFrom(...spec.oneOf), string);
  if ("arrayOf" in spec) {
    const item = valueFor(spec.arrayOf);
    const list = arrayLength.chain((n) => fc.array(item, { minLength: n, maxLength: n }));
    return weighted(list, anyXmlRpcValue);
  }
  return weighted(structFor(spec), anyXmlRpcValue);
}

function structFor(spec: StructSpec): fc.Arbitrary<XmlRpcStruct> {
  const fields = Object.entries(spec.fields).map(([name, fieldSpec]) =>
    // a field is missing now and then
    fc.option(
      valueFor(fieldSpec).map((value) => [name, value] as const),
      { freq: 8, nil: undefined },
    ),
  );
  const extra = fc.dictionary(fc.string({ maxLength: 6 }), anyXmlRpcValue, { maxKeys: 2 });
  return fc.tuple(fc.tuple(...fields), fc.option(extra, { freq: 4, nil: undefined })).map(([known, more]) => {
    const struct: XmlRpcStruct = {};
    if (more !== undefined) for (const [key, value] of Object.entries(more)) defineMember(struct, key, value);
    for (const member of known) if (member !== undefined) defineMember(struct, member[0], member[1]);
    return struct;
  });
}

/** As the decoder's setMember: an own member even for "__proto__". */
function defineMember(struct: XmlRpcStruct, key: string, value: XmlRpcValue): void {
  Object.defineProperty(struct, key, { value, enumerable: true, writable: true, configurable: true });
}

/** An answer to get_metrics: mostly a struct of the contract's shape, now and then anything. */
export const getMetricsAnswer: fc.Arbitrary<XmlRpcValue> = fc.oneof(
  { weight: 20, arbitrary: structFor(SNAPSHOT_SPEC) },
  { weight: 1, arbitrary: anyXmlRpcValue },
);

// ---------------------------------------------------------------------------------------------
// Records

/** Agent names as the collector config allows them (letters, digits and . _ - @ :). */
export const agentName: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom("web-01", "db.main", "a", "user@host:9100", "_", "-", "x".repeat(255)),
  },
  {
    weight: 3,
    arbitrary: fc.stringMatching(/^[A-Za-z0-9._@:-]{1,40}$/),
  },
);

/** The collector's clock: toISOString() of a time, mostly around now, now and then at DATETIME's edges. */
export const pollTs: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 6, arbitrary: fc.integer({ min: Date.parse("2020-01-01"), max: Date.parse("2040-01-01") }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        Date.UTC(1000, 0, 1),
        Date.UTC(1970, 0, 1),
        Date.UTC(2038, 0, 19, 3, 14, 8),
        Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      ),
    },
  )
  .map((ms) => new Date(ms).toISOString());

/** What poll() measures: milliseconds with three decimals, rarely huge. */
export const durationMs: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 120_000_000 }).map((us) => us / 1000) },
  { weight: 1, arbitrary: fc.constantFrom(0, 0.001, 4_294_967_296, 1e15) },
);

export interface GeneratedSnapshot {
  /** What the agent sent. */
  answer: XmlRpcValue;
  snapshot: NormalisedSnapshot;
}

/** The normaliser's output for a generated answer (answers that are not a struct throw there: skipped). */
export function normalisedSnapshot(agent: string, ts: string): fc.Arbitrary<GeneratedSnapshot> {
  return getMetricsAnswer
    .filter(
      (answer) =>
        typeof answer === "object" &&
        answer !== null &&
        !Array.isArray(answer) &&
        !(answer instanceof Date) &&
        !Buffer.isBuffer(answer),
    )
    .map((answer) => ({
      answer,
      snapshot: normaliseSnapshot(answer, { agent, receivedAt: new Date(ts) }),
    }));
}

export const snapshot: fc.Arbitrary<NormalisedSnapshot> = normalisedSnapshot(
  "web-01",
  "2026-11-22T06:21:10.123Z",
).map((generated) => generated.snapshot);

export const pollSample: fc.Arbitrary<PollSample> = fc
  .tuple(agentName, pollTs, durationMs)
  .chain(([agent, ts, duration_ms]) =>
    normalisedSnapshot(agent, ts).map(({ snapshot }): PollSample => ({ agent, ts, duration_ms, snapshot })),
  );

const errorText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("timeout", "refused", "fault 7: no such method", "bad response: get_metrics returned nil"),
  string,
);

export const pollEvent: fc.Arbitrary<PollEvent> = fc.record({
  agent: agentName,
  ts: pollTs,
  kind: fc.constantFrom("poll_error", "down", "up"),
  error: fc.option(errorText, { nil: null }),
  consecutive_failures: fc.oneof(fc.nat({ max: 100 }), fc.constantFrom(2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1)),
  duration_ms: durationMs,
});

const NOTIFICATION_KINDS: readonly NotificationKind[] = ["firing", "escalated", "resolved", "repeat"];

export const alertRecord: fc.Arbitrary<AlertRecord> = fc
  .record({
    agent: agentName,
    metric: fc.constantFrom(...METRICS, "agent_down" as const),
    mount: string,
    severity: fc.constantFrom("warning", "critical"),
    state: fc.constantFrom("firing", "resolved"),
    value: number.filter(Number.isFinite),
    threshold: number.filter(Number.isFinite),
    started_at: pollTs,
    resolved_at: fc.option(pollTs, { nil: null }),
    last_notified_at: pollTs,
    kind: fc.constantFrom(...NOTIFICATION_KINDS),
    message: string,
    ts: pollTs,
  })
  .map(({ kind, message, ts, metric, mount, agent, started_at, ...rest }): AlertRecord => {
    const key = metric === "disk_usage" ? `${agent}/${metric}/${mount}` : `${agent}/${metric}`;
    const alert: AlertNotification["alert"] = {
      id: `${key}/${Date.parse(started_at)}`,
      key,
      agent,
      metric,
      ...(metric === "disk_usage" ? { mount } : {}),
      started_at,
      ...rest,
    };
    return { kind, message, ts, alert };
  });
