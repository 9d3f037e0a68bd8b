import { describe, expect, it } from "vitest";
import { formatHealth, type HealthReport } from "./health.js";

const report = (changes: Partial<HealthReport> = {}): HealthReport => ({
  pollsPerSecond: 10,
  failures: 0,
  overruns: 0,
  up: 100,
  down: 0,
  latenessP99Ms: 3,
  notStored: { inMemory: 0, inFlight: 0, spooledRecords: 0, spooledBatches: 0 },
  deadLettered: 0,
  storeAwayS: undefined,
  ...changes,
});

describe("health line", () => {
  it("counts every record not yet in the store, wherever it waits", () => {
    const line = formatHealth(
      report({
        notStored: { inMemory: 12, inFlight: 5, spooledRecords: 1, spooledBatches: 1 },
        storeAwayS: 14,
        deadLettered: 1,
      }),
    );
    expect(line).toContain(
      "not yet stored: 18 records (12 in memory, 5 being written, 1 spooled in 1 batch) (store away for 14 s), 1 record set aside as dead letters",
    );
  });

  it("says nothing of an outage or dead letters when there are none", () => {
    const line = formatHealth(report());
    expect(line).toMatch(/not yet stored: 0 records \(0 in memory, 0 being written, 0 spooled\)$/);
  });
});
