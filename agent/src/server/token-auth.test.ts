import { describe, expect, it } from "vitest";
import { createTokenCheck } from "./token-auth.js";

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("token check", () => {
  const check = createTokenCheck("correct-horse-battery");

  it("accepts the token as a Bearer token or a Basic password", () => {
    expect(check({ authorization: "Bearer correct-horse-battery" })).toBe(true);
    expect(check({ authorization: "bearer correct-horse-battery" })).toBe(true);
    expect(check({ authorization: basic("anyone", "correct-horse-battery") })).toBe(true);
  });

  it("refuses a missing, wrong, truncated or malformed token", () => {
    expect(check({})).toBe(false);
    expect(check({ authorization: "Bearer correct-horse" })).toBe(false);
    expect(check({ authorization: "Bearer correct-horse-battery-staple" })).toBe(false);
    expect(check({ authorization: basic("correct-horse-battery", "") })).toBe(false);
    expect(check({ authorization: "Basic !!!" })).toBe(false);
    expect(check({ authorization: "Digest correct-horse-battery" })).toBe(false);
    expect(check({ authorization: "correct-horse-battery" })).toBe(false);
  });
});
