import { describe, expect, it } from "vitest";
import { createAllowlist } from "./allowlist.js";

describe("allowlist", () => {
  const list = createAllowlist(["127.0.0.1", "10.1.0.0/16", "::1", "2001:db8::/32"]);

  it.each([
    ["127.0.0.1", true],
    ["127.0.0.2", false],
    ["10.1.200.3", true],
    ["10.2.0.1", false],
    ["::1", true],
    ["2001:db8:1::5", true],
    ["2001:db9::1", false],
    // IPv4-mapped IPv6, as a dual-stack listener reports IPv4 peers
    ["::ffff:127.0.0.1", true],
    ["::ffff:10.1.2.3", true],
    ["::ffff:10.9.2.3", false],
    ["fe80::1%eth0", false],
    ["not-an-ip", false],
  ])("%s → %s", (address, allowed) => {
    expect(list.allows(address)).toBe(allowed);
  });

  it("refuses a peer without an address", () => {
    expect(list.allows(undefined)).toBe(false);
  });

  it("allows everyone with 0.0.0.0/0 and ::/0", () => {
    const open = createAllowlist(["0.0.0.0/0", "::/0"]);
    expect(open.allows("203.0.113.9")).toBe(true);
    expect(open.allows("2001:db8::9")).toBe(true);
  });

  it("matches a link-local peer with its zone id", () => {
    expect(createAllowlist(["fe80::/10"]).allows("fe80::1%eth0")).toBe(true);
  });
});
