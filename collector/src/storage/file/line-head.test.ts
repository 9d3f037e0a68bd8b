import { describe, expect, it } from "vitest";
import { makeSnapshot } from "../../../../common/src/contract/example-snapshot.js";
import { AgentNames, detached, isoTime, readLineHead } from "./line-head.js";
import { eventJsonLine, sampleJsonLine } from "./lines.js";

const TS = "2026-11-22T06:21:10.123Z";
const head = (line: string, names = new AgentNames()) => readLineHead(line, 0, line.length, names);

describe("isoTime", () => {
  it("is Date.parse, for times in order, out of order, and in any other form", () => {
    const times: string[] = [];
    let time = Date.parse("1999-12-31T23:58:59.998Z");
    for (let i = 0; i < 5000; i++) {
      time += (i * 7919) % 4001;
      times.push(new Date(time).toISOString());
    }
    times.push(
      "2026-11-22T06:21:10.123Z",
      "2026-11-22T06:21:60.000Z",
      "2026-11-22T06:21:1a.000Z",
      "2026-13-22T06:21:10.123Z",
      "2026-11-22T06:21:10Z",
      "2026-11-22T06:21:10.123+01:00",
      "+012026-11-22T06:21:10.123Z",
      "2026-11-22T06:21:10.123Z".replace("Z", "z"),
      "not a time at all, 24 ch",
      "",
    );
    for (const ts of [...times, ...times.slice().reverse()])
      expect([ts, isoTime(ts)]).toEqual([ts, Date.parse(ts)]);
  });
});

describe("line head", () => {
  it("gives agent, ts and time without parsing the line", () => {
    const sample = sampleJsonLine({
      agent: "web-01",
      ts: TS,
      duration_ms: 5,
      snapshot: makeSnapshot("web-01", TS),
    });
    expect(head(sample)).toEqual({ agent: "web-01", ts: TS, time: Date.parse(TS) });
    const event = eventJsonLine({
      agent: "db",
      ts: TS,
      kind: "down",
      error: "timeout",
      consecutive_failures: 3,
      duration_ms: 10_000,
    });
    expect(head(event)).toEqual({ agent: "db", ts: TS, time: Date.parse(TS) });
  });

  it("decodes an escaped agent name and rejects what does not start like our lines", () => {
    expect(head('{"agent":"a\\"b\\\\","ts":"t","x":1}')).toEqual({ agent: 'a"b\\', ts: "t", time: NaN });
    expect(head('{"ts":"t","agent":"a"}')).toBeUndefined();
    expect(head('{"agent":"a\\x","ts":"t"}')).toBeUndefined();
    expect(head('{"agent":"a","ts":"t\\"x"}')).toBeUndefined();
  });

  it("reads only within the line's bounds", () => {
    const text = `{"agent":"a","ts":"${TS}"}\n{"agent":"b","ts":"${TS}`;
    const second = text.indexOf("\n") + 1;
    expect(readLineHead(text, 0, text.indexOf("\n"), new AgentNames())?.agent).toBe("a");
    expect(readLineHead(text, second, text.length, new AgentNames())).toBeUndefined();
    expect(readLineHead('{"agent":"a","ts":"t"}', 0, 12, new AgentNames())).toBeUndefined();
  });

  it("gives one string per agent name, not a view of the line", () => {
    const names = new AgentNames();
    const first = head(`{"agent":"a-rather-long-agent-name","ts":"${TS}"}`, names);
    const second = head(`{"agent":"a-rather-long-agent-name","ts":"${TS}"}`, names);
    expect(first?.agent).toBe(second?.agent);
    expect(detached("abc")).toBe("abc");
  });
});
