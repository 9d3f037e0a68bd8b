import { describe, expect, it } from "vitest";
import { rateLimited } from "./rate-limited-log.js";

describe("rate-limited log", () => {
  it("writes at most N lines per window and reports how many it suppressed", () => {
    let now = 0;
    const lines: string[] = [];
    const log = rateLimited(
      2,
      1000,
      (line) => lines.push(line),
      () => now,
    );
    for (let i = 0; i < 5; i++) log(`refused ${i}`);
    expect(lines).toEqual(["refused 0", "refused 1"]);
    now = 1500;
    log("refused 5");
    expect(lines).toEqual([
      "refused 0",
      "refused 1",
      "3 similar messages suppressed in the last 1 s",
      "refused 5",
    ]);
  });
});
