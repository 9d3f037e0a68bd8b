import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SECURITY_PROC } from "../../../test/fixtures/security-proc/fixture.js";
import {
  NET_PROTOS,
  decodeHexAddress,
  formatIpv6,
  isListening,
  parseListening,
  parseProcNet,
} from "./proc-net.js";
import type { NetProto } from "./proc-net.js";

function fixture(proto: NetProto): string {
  return readFileSync(`${SECURITY_PROC.proc}/net/${proto}`, "latin1");
}

describe("decodeHexAddress", () => {
  it("decodes IPv4 words printed in little-endian host order", () => {
    expect(decodeHexAddress("0100007F", true)).toBe("127.0.0.1");
    expect(decodeHexAddress("00000000", true)).toBe("0.0.0.0");
    expect(decodeHexAddress("0500000A", true)).toBe("10.0.0.5");
    expect(decodeHexAddress("3500007F", true)).toBe("127.0.0.53");
    expect(decodeHexAddress("057100cb", true)).toBe("203.0.113.5");
  });

  it("decodes the same address printed by a big-endian host", () => {
    expect(decodeHexAddress("7F000001", false)).toBe("127.0.0.1");
  });

  it("decodes IPv6 as four little-endian words into the compressed form", () => {
    expect(decodeHexAddress("00000000000000000000000001000000", true)).toBe("::1");
    expect(decodeHexAddress("00000000000000000000000000000000", true)).toBe("::");
    expect(decodeHexAddress("0000000000000000FFFF00000100007F", true)).toBe("::ffff:127.0.0.1");
    expect(decodeHexAddress("000080FE000000000000000001000000", true)).toBe("fe80::1");
    expect(decodeHexAddress("000080FE00000000FF005450563412FE", true)).toBe("fe80::5054:ff:fe12:3456");
    expect(decodeHexAddress("B80D0120000000000000000001000000", true)).toBe("2001:db8::1");
  });

  it("rejects malformed addresses", () => {
    expect(decodeHexAddress("0100007", true)).toBeNull();
    expect(decodeHexAddress("0100007G", true)).toBeNull();
    expect(decodeHexAddress("", true)).toBeNull();
    expect(decodeHexAddress("0000000000000000000000000000000Z", true)).toBeNull();
  });
});

describe("formatIpv6", () => {
  it("follows RFC 5952", () => {
    expect(formatIpv6([0, 0, 0, 0, 0, 0, 0, 0])).toBe("::");
    expect(formatIpv6([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1])).toBe("2001:db8::1:0:0:1"); // first of equal runs
    expect(formatIpv6([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1])).toBe("2001:db8:0:1:1:1:1:1"); // one zero group stays
    expect(formatIpv6([0x2001, 0, 0, 1, 0, 0, 0, 1])).toBe("2001:0:0:1::1"); // the longest run
    expect(formatIpv6([1, 0, 0, 0, 0, 0, 0, 0])).toBe("1::");
    expect(formatIpv6([0xfe80, 0, 0, 0, 0xabcd, 0xef, 0, 0])).toBe("fe80::abcd:ef:0:0");
  });
});

describe("parseProcNet", () => {
  it("parses every row of the fixture's tcp file, established connections included", () => {
    const sockets = parseProcNet(fixture("tcp"), "tcp", true);
    expect(sockets).toHaveLength(22);
    expect(sockets[0]).toEqual({
      proto: "tcp",
      address: "127.0.0.1",
      port: 6379,
      remoteAddress: "0.0.0.0",
      remotePort: 0,
      state: 0x0a,
      inode: 4784,
    });
    expect(sockets.find((s) => s.inode === 12399)).toEqual({
      proto: "tcp",
      address: "10.0.0.5",
      port: 22,
      remoteAddress: "203.0.113.5",
      remotePort: 51234,
      state: 0x01,
      inode: 12399,
    });
  });

  it("parses IPv6 rows", () => {
    expect(parseProcNet(fixture("tcp6"), "tcp6", true).map((s) => `[${s.address}]:${s.port}`)).toEqual([
      "[::1]:4369",
      "[::1]:6379",
      "[::]:22",
      "[::ffff:127.0.0.1]:8080",
    ]);
  });

  it("skips the header, blank lines and malformed rows", () => {
    const text = [
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
      "",
      "   0: 0100007F:ZZZZ 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0",
      "   1: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0",
      "   2: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77 1 0",
    ].join("\n");
    expect(parseProcNet(text, "tcp", true).map((s) => s.inode)).toEqual([77]);
  });
});

describe("listening sockets", () => {
  it("keeps TCP sockets in LISTEN only", () => {
    const listening = parseListening(fixture("tcp"), "tcp", true);
    expect(listening.map((s) => `${s.address}:${s.port}`)).toEqual([
      "127.0.0.1:6379",
      "127.0.0.1:40913",
      "127.0.0.1:4369",
      "127.0.0.1:4222",
      "127.0.0.1:5432",
      "127.0.0.1:5672",
      "127.0.0.1:3306",
      "127.0.0.1:1883",
      "0.0.0.0:2024",
      "127.0.0.1:25672",
      "0.0.0.0:22",
      "0.0.0.0:4444",
      "0.0.0.0:8000",
      "0.0.0.0:9999",
      "0.0.0.0:80",
      "0.0.0.0:80",
    ]);
  });

  it("keeps unconnected UDP sockets only", () => {
    expect(parseListening(fixture("udp"), "udp", true).map((s) => `${s.address}:${s.port}`)).toEqual([
      "0.0.0.0:68",
      "127.0.0.53:53",
    ]);
    expect(parseListening(fixture("udp6"), "udp6", true).map((s) => `[${s.address}]:${s.port}`)).toEqual([
      "[fe80::5054:ff:fe12:3456]:546",
    ]);
    // A remote peer makes it no unconnected socket, whatever the state column says.
    const connected =
      "  305: 0500000A:A028 08080808:0035 07 00000000:00000000 00:00000000 00000000  1000        0 34599 2 0 0\n";
    expect(parseListening(connected, "udp", true)).toEqual([]);
    expect(parseProcNet(connected, "udp", true).map(isListening)).toEqual([false]);
  });

  it("agrees with isListening over every fixture file", () => {
    for (const proto of NET_PROTOS) {
      const text = fixture(proto);
      expect(parseListening(text, proto, true)).toEqual(parseProcNet(text, proto, true).filter(isListening));
    }
  });
});
