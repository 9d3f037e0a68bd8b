import { describe, expect, it } from "vitest";
import { AccessPolicy } from "./access-policy.js";

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const TOKEN = "0123456789abcdef-token";

describe("access policy", () => {
  it("swaps the allowlist and the token at once", () => {
    const policy = new AccessPolicy(["127.0.0.1"], undefined);
    expect(policy.allows("127.0.0.2")).toBe(false);
    expect(policy.checkToken({})).toBe(true);
    policy.replace(["127.0.0.0/8"], TOKEN);
    expect(policy.allows("127.0.0.2")).toBe(true);
    expect(policy.checkToken({})).toBe(false);
    expect(policy.checkToken(bearer(TOKEN))).toBe(true);
    policy.replace(["::1"], undefined);
    expect(policy.allows("127.0.0.1")).toBe(false);
    expect(policy.checkToken({})).toBe(true);
  });
});
