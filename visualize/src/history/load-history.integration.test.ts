import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCollectorConfig } from "../../../collector/src/config/load-config.js";
import { FileHistoryReader } from "../../../collector/src/storage/file/file-reader.js";
import { FileStore } from "../../../collector/src/storage/file/file-store.js";
import { MysqlHistoryReader } from "../../../collector/src/storage/mysql/mysql-reader.js";
import { MysqlStore } from "../../../collector/src/storage/mysql/mysql-store.js";
import { TEST_SERVER, dropDatabase, testDatabaseName } from "../../../collector/test/support/mysql-server.js";
import { makeSnapshot } from "../../../common/src/contract/example-snapshot.js";
import type { AlertRecord, PollEvent, PollSample } from "../../../collector/src/storage/records.js";
import type { Store } from "../../../collector/src/storage/store.js";
import { valuesOf } from "../model.js";
import { loadHistory } from "./load-history.js";

const T0 = Date.parse("2026-11-20T00:00:00.000Z");
const iso = (ms: number): string => new Date(T0 + ms).toISOString();
const RANGE = { from: T0, to: T0 + 3_600_000 };

const samples: PollSample[] = [];
for (let i = 0; i < 120; i++) {
  const at = iso(i * 30_000);
  samples.push({ agent: "web-01", ts: at, duration_ms: 3, snapshot: makeSnapshot("web-01", at, i) });
  if (i < 100) {
    const db = makeSnapshot("db-01", at, i);
    samples.push({
      agent: "db-01",
      ts: at,
      duration_ms: 3,
      snapshot: { ...db, temperature: { cpu_celsius: null, max_celsius: null, sensors: [] } },
    });
  }
}
const event = (ms: number, kind: PollEvent["kind"], failures: number): PollEvent => ({
  agent: "db-01",
  ts: iso(ms),
  kind,
  error: "timeout",
  consecutive_failures: failures,
  duration_ms: 5000,
});
const events = [
  event(3_000_000, "poll_error", 1),
  event(3_060_000, "poll_error", 3),
  event(3_060_000, "down", 3),
];
const alert: AlertRecord = {
  kind: "firing",
  ts: iso(3_060_001),
  message: "db-01 is down",
  alert: {
    id: `db-01/agent_down/${T0 + 3_060_000}`,
    key: "db-01/agent_down",
    agent: "db-01",
    metric: "agent_down",
    severity: "critical",
    state: "firing",
    value: 3,
    threshold: 3,
    started_at: iso(3_060_000),
    resolved_at: null,
    last_notified_at: iso(3_060_001),
  },
};
const config = parseCollectorConfig({
  agents: ["web-01", "db-01", "spare-01"].map((name) => ({ name, host: "127.0.0.1" })),
  poll_interval: 30,
});

async function fill(store: Store): Promise<void> {
  await store.open();
  try {
    for (let i = 0; i < samples.length; i += 40) await store.writeSamples(samples.slice(i, i + 40));
    await store.writeEvents(events);
    await store.writeAlerts([alert]);
  } finally {
    await store.close();
  }
}

describe("loadHistory over the MySQL store", () => {
  const database = testDatabaseName();
  let dir: string;

  beforeAll(async () => {
    await fill(new MysqlStore({ ...TEST_SERVER, database, retentionDays: 0, storeSnapshotJson: true }));
    dir = mkdtempSync(path.join(tmpdir(), "load-history-mysql-"));
  });

  afterAll(async () => {
    await dropDatabase(database);
    rmSync(dir, { recursive: true, force: true });
  });

  it("builds every agent's history from the database", async () => {
    const reader = new MysqlHistoryReader({ ...TEST_SERVER, database, pageSize: 50 });
    try {
      const progress: number[] = [];
      const h = await loadHistory(reader, { ...RANGE, config, onProgress: (n) => progress.push(n) });
      expect(h.agents.map((a) => a.series.agent)).toEqual(["db-01", "spare-01", "web-01"]);
      const [db, spare, web] = h.agents;
      expect(web?.series.t).toHaveLength(120);
      expect(valuesOf(web!.series, "cpu_usage_percent")[7]).toBe(
        samples.filter((s) => s.agent === "web-01")[7]?.snapshot.cpu?.usage_percent,
      );
      expect(valuesOf(web!.series, "cpu_core_max_percent")[0]).toBe(60);
      expect([...(web?.series.disks.keys() ?? [])]).toEqual(["/", "/boot/efi", "/srv/backup data"]);
      expect(web?.down).toBe(false);
      expect(db?.series.t).toHaveLength(100);
      expect(valuesOf(db!.series, "cpu_temperature_celsius").every(Number.isNaN)).toBe(true);
      expect(db?.down).toBe(true);
      expect(db?.lastSeen).toBe(T0 + 99 * 30_000);
      expect(db?.events.map((e) => e.kind)).toEqual(["poll_error", "poll_error", "down"]);
      expect(spare?.series.t).toHaveLength(0);
      expect(spare?.lastSeen).toBeUndefined();
      expect(h.alerts).toEqual([alert]);
      expect(progress.at(-1)).toBe(220);
    } finally {
      await reader.close();
    }
  });

  it("gives the same series as the file store given the same history", async () => {
    const files = {
      metricsFile: path.join(dir, "metrics_data.log"),
      jsonFile: path.join(dir, "metrics_data.jsonl"),
      eventsFile: path.join(dir, "poll_events.jsonl"),
      alertsFile: path.join(dir, "alerts.jsonl"),
    };
    await fill(new FileStore({ ...files, maxSizeBytes: 1 << 20, backupCount: 10 }));
    const mysql = new MysqlHistoryReader({ ...TEST_SERVER, database });
    const file = new FileHistoryReader(files);
    try {
      const fromMysql = await loadHistory(mysql, { ...RANGE, config });
      const fromFile = await loadHistory(file, { ...RANGE, config });
      expect(fromMysql.agents).toEqual(fromFile.agents);
    } finally {
      await mysql.close();
      await file.close();
    }
  });
});
