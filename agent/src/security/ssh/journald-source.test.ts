import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { authLogLines } from "../../../test/fixtures/auth-logs/auth-logs.js";
import {
  fakeJournalctl,
  journalScript,
  lastCursor,
} from "../../../test/fixtures/auth-logs/fake-journalctl.js";
import { JournaldSource, findJournalctl, parseJournalLine } from "./journald-source.js";

const NOW = Date.UTC(2026, 10, 22, 6, 30, 0);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "journald-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("JournaldSource", () => {
  it("reads the window with --since, then continues with --after-cursor", async () => {
    const fake = fakeJournalctl(dir, journalScript());
    const source = new JournaldSource({ journalctl: fake.bin, windowS: 900 });

    const first = await source.readNew(NOW);
    expect(first).toEqual([
      {
        time: Date.UTC(2026, 10, 22, 6, 21, 8),
        ip: "203.0.113.5",
        user: "root",
        kind: "pam_failure",
        pid: 4101,
      },
      { time: Date.UTC(2026, 10, 22, 6, 21, 10), ip: "203.0.113.5", user: "root", kind: "failed", pid: 4101 },
      { time: Date.UTC(2026, 10, 22, 6, 21, 13), ip: "203.0.113.5", user: "root", kind: "failed", pid: 4101 },
      {
        time: Date.UTC(2026, 10, 22, 6, 21, 14),
        ip: "203.0.113.5",
        user: "root",
        kind: "closed_preauth",
        pid: 4101,
      },
      {
        time: Date.UTC(2026, 10, 22, 6, 22, 31),
        ip: "198.51.100.77",
        user: "admin",
        kind: "invalid_user",
        pid: 4120,
      },
      {
        time: Date.UTC(2026, 10, 22, 6, 22, 33),
        ip: "198.51.100.77",
        user: "admin",
        kind: "failed",
        pid: 4120,
      },
      // MESSAGE as an array of bytes (Latin-1 "é", not valid UTF-8).
      {
        time: Date.UTC(2026, 10, 22, 6, 23, 5),
        ip: "192.0.2.44",
        user: "\ufffdric",
        kind: "failed",
        pid: 4140,
      },
    ]);

    const second = await source.readNew(NOW + 60_000);
    expect(second.map((e) => [e.kind, e.user])).toEqual([
      ["invalid_user", "oracle"],
      ["failed", "oracle"],
      ["closed_preauth", "oracle"],
    ]);
    expect(await source.readNew(NOW + 120_000)).toEqual([]);

    const base = ["-u", "ssh", "-u", "sshd", "-o", "json", "--no-pager"];
    expect(fake.calls()).toEqual([
      [...base, `--since=@${NOW / 1000 - 900}`],
      [...base, `--after-cursor=${lastCursor("journal-sshd-1.json")}`],
      [...base, `--after-cursor=${lastCursor("journal-sshd-2.json")}`],
    ]);
  });

  it("keeps asking with --since while nothing came back", async () => {
    const fake = fakeJournalctl(dir, "exit 0");
    const source = new JournaldSource({ journalctl: fake.bin, windowS: 60 });
    expect(await source.readNew(NOW)).toEqual([]);
    expect(await source.readNew(NOW + 10_000)).toEqual([]);
    expect(fake.calls().map((args) => args.at(-1))).toEqual([
      `--since=@${NOW / 1000 - 60}`,
      `--since=@${NOW / 1000 - 50}`,
    ]);
  });

  it("reports journalctl's error", async () => {
    const fake = fakeJournalctl(dir, "echo 'Failed to open journal: Bad message' >&2; exit 1");
    const source = new JournaldSource({ journalctl: fake.bin, windowS: 60 });
    await expect(source.readNew(NOW)).rejects.toThrow(
      "journalctl failed: Failed to open journal: Bad message",
    );
  });

  it("says when the journal is not readable for this user", async () => {
    const fake = fakeJournalctl(
      dir,
      "echo 'Hint: You are currently not seeing messages from other users and the system.' >&2",
    );
    const source = new JournaldSource({ journalctl: fake.bin, windowS: 60 });
    await expect(source.readNew(NOW)).rejects.toThrow(/group systemd-journal/);
  });

  it("times out", async () => {
    const fake = fakeJournalctl(dir, "exec sleep 5");
    const source = new JournaldSource({ journalctl: fake.bin, windowS: 60, timeoutMs: 200 });
    await expect(source.readNew(NOW)).rejects.toThrow("journalctl timed out after 0.2 s");
  });

  it("uses the whole lines of an output cut by maxBuffer and continues after them", async () => {
    const fake = fakeJournalctl(dir, journalScript());
    const source = new JournaldSource({ journalctl: fake.bin, windowS: 900, maxBuffer: 3000 });
    const events = await source.readNew(NOW);
    expect(events.length).toBeGreaterThan(0);
    expect(events.length).toBeLessThan(7);
    expect(fake.calls()).toHaveLength(1);
    await source.readNew(NOW);
    expect(fake.calls()[1]?.at(-1)).toMatch(/^--after-cursor=s=/);
  });
});

describe("parseJournalLine", () => {
  it("keeps the cursor of entries from other programs but no event", () => {
    const line = authLogLines("journal-sshd-1.json").at(-1) ?? "";
    expect(parseJournalLine(line)).toEqual({ cursor: lastCursor("journal-sshd-1.json"), event: null });
    expect(parseJournalLine("not json")).toBeNull();
    expect(parseJournalLine("[]")?.event).toBeNull();
  });
});

describe("findJournalctl", () => {
  it("finds an executable journalctl in PATH", () => {
    const fake = fakeJournalctl(dir, "exit 0");
    expect(findJournalctl(`/nonexistent:${dir}`)).toBe(fake.bin);
    expect(findJournalctl("/nonexistent")).toBeNull();
    expect(findJournalctl("")).toBeNull();
  });
});
