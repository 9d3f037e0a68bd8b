import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SECURITY_PROC } from "../../../test/fixtures/security-proc/fixture.js";
import { parseListening } from "./proc-net.js";
import { readProcNetForListeners, readTcpListeningPart } from "./proc-net-reader.js";

const HEADER =
  "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

function row(sl: number, local: string, remote: string, state: string, inode: number): string {
  return `${String(sl).padStart(4)}: ${local} ${remote} ${state} 00000000:00000000 00:00000000 00000000     0        0 ${inode} 1 0000000000000000 100 0 0 10 0\n`;
}

describe("readTcpListeningPart", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  function file(text: string): string {
    dir ??= mkdtempSync(join(tmpdir(), "hostwatch-proc-net-"));
    const path = join(dir, "tcp");
    writeFileSync(path, text);
    return path;
  }

  it("returns the listening part of the fixture, which holds every listener", () => {
    const path = `${SECURITY_PROC.proc}/net/tcp`;
    const part = readTcpListeningPart(path);
    const whole = readFileSync(path, "latin1");
    expect(part.length).toBeLessThan(whole.length);
    expect(whole.startsWith(part)).toBe(true);
    expect(parseListening(part, "tcp", true)).toEqual(parseListening(whole, "tcp", true));
    expect(parseListening(part, "tcp", true)).toHaveLength(16);
  });

  it("stops at the first established row, whatever the read size", () => {
    const listening = [
      row(0, "0100007F:1538", "00000000:0000", "0A", 11),
      row(1, "00000000:0016", "00000000:0000", "0A", 12),
      // An open request, listed with its listener by old kernels: not the end of the part.
      row(2, "0100007F:1538", "0100007F:D690", "03", 0),
      row(3, "00000000:0050", "00000000:0000", "0A", 13),
    ];
    let established = "";
    for (let i = 0; i < 2000; i++)
      established += row(4 + i, "0100007F:D690", "0100007F:1538", "01", 1000 + i);
    const path = file(HEADER + listening.join("") + established);
    for (const chunk of [7, 100, 151, 1024, 65536]) {
      expect(readTcpListeningPart(path, chunk)).toBe(HEADER + listening.join(""));
    }
  });

  it("reads to the end when there is no established row", () => {
    const text = HEADER + row(0, "0100007F:1538", "00000000:0000", "0A", 11);
    expect(readTcpListeningPart(file(text), 16)).toBe(text);
    expect(readTcpListeningPart(file(HEADER), 16)).toBe(HEADER);
    expect(readTcpListeningPart(file(""), 16)).toBe("");
  });

  it("reads UDP files whole: their listening sockets are not grouped", () => {
    expect(readProcNetForListeners(SECURITY_PROC.proc, "udp")).toBe(
      readFileSync(`${SECURITY_PROC.proc}/net/udp`, "latin1"),
    );
  });

  it("finds the same listeners in this machine's /proc/net/tcp and tcp6 as a whole read", () => {
    for (const proto of ["tcp", "tcp6"] as const) {
      // Sockets come and go (other tests run meanwhile): a few tries for two consistent reads.
      let same = false;
      for (let attempt = 0; attempt < 5 && !same; attempt++) {
        const part = parseListening(readTcpListeningPart(`/proc/net/${proto}`), proto);
        const whole = parseListening(readFileSync(`/proc/net/${proto}`, "latin1"), proto);
        same = JSON.stringify(part) === JSON.stringify(whole);
      }
      expect(same).toBe(true);
    }
  });
});
