import { describe, expect, it } from "vitest";
import { emptyState, parseEvaluatorState } from "./state.js";

describe("parseEvaluatorState", () => {
  it("accepts an empty state and what JSON makes of it", () => {
    expect(parseEvaluatorState(JSON.parse(JSON.stringify(emptyState())))).toEqual(emptyState());
  });

  it.each<[string, unknown, RegExp]>([
    ["not an object", "nope", /alert state/],
    ["another version", { version: 7, entries: [] }, /unsupported version 7/],
    ["no version", { entries: [], held_agents: [] }, /alert state: version/],
    [
      "a bad counter",
      {
        version: 1,
        held_agents: [],
        entries: [
          {
            key: "a/cpu_usage",
            agent: "a",
            metric: "cpu_usage",
            mount: null,
            streak: -1,
            critical_streak: 0,
            pending_since: null,
            notified_severity: null,
            detail: null,
            alert: null,
          },
        ],
      },
      /entries\.0\.streak/,
    ],
  ])("rejects %s", (_name, input, message) => {
    expect(() => parseEvaluatorState(input)).toThrow(message);
  });
});
