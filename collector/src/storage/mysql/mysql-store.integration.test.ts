import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MetricsSnapshot } from "../../../../common/src/contract/protocol.js";
import type { AlertRecord, PollEvent, PollSample } from "../records.js";
import { createKnex } from "./connection.js";
import { TABLES } from "./migrations.js";
import { MysqlHistoryReader } from "./mysql-reader.js";
import { MysqlStore } from "./mysql-store.js";
import type { MysqlStoreOptions } from "./mysql-store.js";
import {
  TEST_SERVER,
  dropDatabase,
  makeSample,
  testDatabaseName,
} from "../../../test/support/mysql-server.js";
import { makeSnapshot } from "../../../../common/src/contract/example-snapshot.js";

const database = testDatabaseName();
const options: MysqlStoreOptions = { ...TEST_SERVER, database, retentionDays: 30, storeSnapshotJson: true };
const db = createKnex({ ...TEST_SERVER, database, poolMax: 2 });
let store: MysqlStore;

const BASE = Date.parse("2024-05-01T00:00:00.000Z");
const iso = (offsetMs: number): string => new Date(BASE + offsetMs).toISOString();

async function rows<T>(sql: string, bindings: readonly (string | number)[] = []): Promise<T[]> {
  const [result] = (await db.raw(sql, bindings)) as unknown as [T[]];
  return result;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

function event(
  agent: string,
  offsetMs: number,
  kind: PollEvent["kind"],
  failures: number,
  error: string | null,
): PollEvent {
  return { agent, ts: iso(offsetMs), kind, error, consecutive_failures: failures, duration_ms: 5 };
}

beforeAll(async () => {
  store = new MysqlStore(options);
  await store.open();
});

afterAll(async () => {
  await store?.close();
  await db.destroy();
  await dropDatabase(database);
});

describe("MysqlStore schema", () => {
  it("creates the database and every table, InnoDB utf8mb4, and records the migration", async () => {
    const tables = await rows<{ TABLE_NAME: string; ENGINE: string; TABLE_COLLATION: string }>(
      "SELECT TABLE_NAME, ENGINE, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?",
      [database],
    );
    const names = tables.map((t) => t.TABLE_NAME);
    for (const table of TABLES) expect(names).toContain(table);
    for (const t of tables.filter((t) => (TABLES as readonly string[]).includes(t.TABLE_NAME))) {
      expect(t.ENGINE).toBe("InnoDB");
      expect(t.TABLE_COLLATION).toMatch(/^utf8mb4/);
    }
    const migrations = await rows<{ name: string }>("SELECT name FROM knex_migrations");
    expect(migrations.map((m) => m.name)).toEqual([
      "001_initial_schema",
      "002_unknown_issue_counts",
      "003_day_partitions",
    ]);
  });

  it("opens again on an existing schema without error (migrations already applied)", async () => {
    const again = new MysqlStore(options);
    await again.open();
    await again.close();
  });

  it("keys every time-series table by time and agent, with an (agent_id, ts) index", async () => {
    const keys = await rows<{
      TABLE_NAME: string;
      INDEX_NAME: string;
      COLUMN_NAME: string;
      SEQ_IN_INDEX: number;
    }>(
      `SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME, SEQ_IN_INDEX FROM information_schema.STATISTICS
       WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
      [database],
    );
    const index = (table: string, name: string): string[] =>
      keys.filter((k) => k.TABLE_NAME === table && k.INDEX_NAME === name).map((k) => k.COLUMN_NAME);
    expect(index("samples", "PRIMARY")).toEqual(["ts", "agent_id"]);
    expect(index("disk_samples", "PRIMARY")).toEqual(["ts", "agent_id", "mount"]);
    expect(index("security_findings", "PRIMARY")).toEqual(["ts", "agent_id", "seq"]);
    expect(index("poll_events", "PRIMARY")).toEqual(["ts", "agent_id", "kind"]);
    for (const table of ["samples", "disk_samples", "security_findings", "poll_events"]) {
      expect(index(table, `${table}_agent_ts`)).toEqual(["agent_id", "ts"]);
    }
    expect(index("alerts", "alerts_agent_started")).toEqual(["agent_id", "started_at"]);
    expect(index("alerts", "alerts_state")).toEqual(["state"]);
  });
});

describe("MysqlStore writes", () => {
  it("writes a batch twice and keeps one row per (agent, ts) in every table", async () => {
    const batch = [0, 1, 2].flatMap((i) =>
      ["dup-a", "dup-b"].map((agent, j) => makeSample(agent, iso(i * 10_000 + j), i)),
    );
    await store.writeSamples(batch);
    await store.writeSamples(batch);
    // A replay split differently, in another order, adds nothing either.
    await store.writeSamples([...batch].reverse().slice(0, 4));

    const [samples] = await rows<{ n: number; distinct_keys: number }>(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT s.agent_id, s.ts) AS distinct_keys
       FROM samples s JOIN agents a ON a.id = s.agent_id WHERE a.name LIKE 'dup-%'`,
    );
    expect(samples).toEqual({ n: 6, distinct_keys: 6 });
    const [disks] = await rows<{ n: number }>(
      "SELECT COUNT(*) AS n FROM disk_samples d JOIN agents a ON a.id = d.agent_id WHERE a.name LIKE 'dup-%'",
    );
    expect(disks?.n).toBe(18);
    const [findings] = await rows<{ n: number }>(
      "SELECT COUNT(*) AS n FROM security_findings f JOIN agents a ON a.id = f.agent_id WHERE a.name LIKE 'dup-%'",
    );
    expect(findings?.n).toBe(6);
    const agents = await rows<{ name: string }>(
      "SELECT name FROM agents WHERE name LIKE 'dup-%' ORDER BY name",
    );
    expect(agents.map((a) => a.name)).toEqual(["dup-a", "dup-b"]);
  });

  it("stores the scalar metrics as columns, UTC times with milliseconds", async () => {
    const sample = makeSample("cols", "2024-05-01T12:34:56.789Z", 3);
    await store.writeSamples([sample]);
    const [row] = await rows<Record<string, unknown>>(
      "SELECT s.* FROM samples s JOIN agents a ON a.id = s.agent_id WHERE a.name = 'cols'",
    );
    const snap = sample.snapshot;
    expect(row).toMatchObject({
      ts: "2024-05-01 12:34:56.789",
      duration_ms: sample.duration_ms,
      families: "cpu,load,temperature,memory,disks,disk_io,network,processes,security",
      cpu_usage_percent: snap.cpu?.usage_percent,
      cpu_count: 8,
      load_1: snap.load?.load_1,
      cpu_temperature_celsius: snap.temperature?.cpu_celsius,
      memory_total_bytes: 33_376_579_584,
      memory_used_bytes: snap.memory?.used_bytes,
      swap_percent: 25,
      disk_read_ops_per_s: 120,
      net_tx_errors: 2,
      tcp_connections: 57,
      process_count: 312,
      security_status: "warning",
      security_issue_count: 1,
      ssh_failed_total: 14,
      uptime_s: 86_403,
      worst_disk_usage_percent: Math.max(...(snap.disks ?? []).map((d) => d.usage_percent ?? 0)),
    });
    const [agent] = await rows<Record<string, unknown>>("SELECT * FROM agents WHERE name = 'cols'");
    expect(agent).toMatchObject({
      hostname: "cols.example.net",
      os: "Debian GNU/Linux 12 (bookworm)",
      kernel: "6.1.0-18-amd64",
      arch: "x64",
      agent_version: "0.1.0",
      first_seen: "2024-05-01 12:34:56.789",
      last_seen: "2024-05-01 12:34:56.789",
      state: "up",
      consecutive_failures: 0,
    });
  });

  it("stores NULL for a missing temperature sensor and for families the agent did not report", async () => {
    const snapshot: MetricsSnapshot = {
      timestamp: iso(0),
      agent: makeSnapshot("sparse", iso(0)).agent,
      temperature: { cpu_celsius: null, max_celsius: null, sensors: [] },
      memory: makeSnapshot("sparse", iso(0)).memory,
      collector_status: [{ name: "cpu", ok: false, duration_ms: 0, error: "disabled" }],
    };
    await store.writeSamples([{ agent: "sparse", ts: iso(0), duration_ms: 3, snapshot }]);
    const [row] = await rows<Record<string, unknown>>(
      "SELECT s.* FROM samples s JOIN agents a ON a.id = s.agent_id WHERE a.name = 'sparse'",
    );
    expect(row).toMatchObject({
      families: "temperature,memory",
      cpu_temperature_celsius: null,
      max_temperature_celsius: null,
      cpu_usage_percent: null,
      cpu_count: null,
      load_1: null,
      net_rx_bytes_per_s: null,
      process_count: null,
      security_status: null,
      worst_disk_usage_percent: null,
      memory_total_bytes: 33_376_579_584,
    });
    const [disks] = await rows<{ n: number }>(
      "SELECT COUNT(*) AS n FROM disk_samples d JOIN agents a ON a.id = d.agent_id WHERE a.name = 'sparse'",
    );
    expect(disks?.n).toBe(0);
  });

  it("turns values the columns cannot hold into NULL or cut strings instead of failing the batch", async () => {
    const snapshot = makeSnapshot("odd", iso(0));
    (snapshot.memory as { used_bytes: number }).used_bytes = -5;
    (snapshot.cpu as { usage_percent: number }).usage_percent = Number.NaN;
    (snapshot.cpu as { count: number }).count = 2 ** 40;
    (snapshot.disks as Array<{ mount: string; device: string }>)[0] = {
      ...(snapshot.disks?.[0] as NonNullable<MetricsSnapshot["disks"]>[number]),
      mount: `/mnt/${"x".repeat(600)}`,
      device: "it's a \\ 'quoted' device\n\0",
    };
    await store.writeSamples([{ agent: "odd", ts: iso(0), duration_ms: Number.POSITIVE_INFINITY, snapshot }]);
    const [row] = await rows<Record<string, unknown>>(
      "SELECT s.* FROM samples s JOIN agents a ON a.id = s.agent_id WHERE a.name = 'odd'",
    );
    expect(row).toMatchObject({
      memory_used_bytes: null,
      cpu_usage_percent: null,
      cpu_count: null,
      duration_ms: 0,
    });
    const disks = await rows<{ mount: string; device: string }>(
      "SELECT mount, device FROM disk_samples d JOIN agents a ON a.id = d.agent_id WHERE a.name = 'odd' ORDER BY mount",
    );
    expect(disks.map((d) => d.mount.length)).toContain(512);
    expect(disks.map((d) => d.device)).toContain("it's a \\ 'quoted' device\n\0");
  });

  it("drops records without a valid time or agent name, with a warning, and stores the rest", async () => {
    const warnings: string[] = [];
    const warned = new MysqlStore({ ...options, onWarning: (message) => warnings.push(message) });
    await warned.open();
    try {
      await warned.writeSamples([
        makeSample("valid-one", iso(0)),
        { ...makeSample("bad-ts", iso(0)), ts: "not a time" },
        { ...makeSample("", iso(0)), agent: "" },
      ]);
    } finally {
      await warned.close();
    }
    expect(warnings.filter((w) => w.includes("dropped"))).toHaveLength(2);
    const agents = await rows<{ name: string }>(
      "SELECT name FROM agents WHERE name IN ('valid-one', 'bad-ts', '')",
    );
    expect(agents.map((a) => a.name)).toEqual(["valid-one"]);
  });

  it("writes one disk_samples row per mount and the security findings in a fixed order", async () => {
    const snapshot = makeSnapshot("findings", iso(0));
    snapshot.disks?.push({ ...(snapshot.disks[0] as NonNullable<MetricsSnapshot["disks"]>[number]) }); // duplicate mount
    snapshot.security = {
      ...(snapshot.security as NonNullable<MetricsSnapshot["security"]>),
      status: "critical",
      issue_count: 3,
      suspicious_processes: [
        {
          pid: 4242,
          name: "xmrig",
          user: "www-data",
          exe: "/tmp/.x/xmrig",
          reason: "suspicious_dir",
          severity: "critical",
        },
      ],
      unexpected_listeners: [{ proto: "tcp", address: "0.0.0.0", port: 31337, pid: 4242, process: "xmrig" }],
    };
    await store.writeSamples([{ agent: "findings", ts: iso(0), duration_ms: 4, snapshot }]);
    const disks = await rows<Record<string, unknown>>(
      "SELECT d.* FROM disk_samples d JOIN agents a ON a.id = d.agent_id WHERE a.name = 'findings' ORDER BY mount",
    );
    expect(disks.map((d) => d.mount)).toEqual(["/", "/boot/efi", "/srv/backup data"]);
    expect(disks[1]).toMatchObject({
      device: "/dev/nvme0n1p1",
      fstype: "vfat",
      total_bytes: 535_805_952,
      used_bytes: 6_266_880,
      usage_percent: 1.17,
      inodes_percent: null,
    });
    const findings = await rows<Record<string, unknown>>(
      "SELECT f.* FROM security_findings f JOIN agents a ON a.id = f.agent_id WHERE a.name = 'findings' ORDER BY seq",
    );
    expect(findings).toMatchObject([
      {
        seq: 0,
        kind: "suspicious_process",
        pid: 4242,
        name: "xmrig",
        user: "www-data",
        exe: "/tmp/.x/xmrig",
        reason: "suspicious_dir",
        severity: "critical",
      },
      { seq: 1, kind: "ssh_brute_force", ip: "203.0.113.7", count: 14, user: "root,admin" },
      {
        seq: 2,
        kind: "unexpected_listener",
        proto: "tcp",
        address: "0.0.0.0",
        port: 31337,
        pid: 4242,
        name: "xmrig",
      },
    ]);
  });

  it("stores poll events and keeps agents.state, last_error and consecutive_failures current", async () => {
    const agentState = async (): Promise<Record<string, unknown> | undefined> =>
      (await rows<Record<string, unknown>>("SELECT * FROM agents WHERE name = 'flappy'"))[0];

    await store.writeSamples([makeSample("flappy", iso(0))]);
    expect(await agentState()).toMatchObject({ state: "up", consecutive_failures: 0, last_error: null });

    await store.writeEvents([event("flappy", 10_000, "poll_error", 1, "timeout")]);
    expect(await agentState()).toMatchObject({ state: "up", consecutive_failures: 1, last_error: "timeout" });

    const down = [
      event("flappy", 20_000, "poll_error", 2, "refused"),
      event("flappy", 20_000, "down", 2, "refused"),
    ];
    await store.writeEvents(down);
    await store.writeEvents(down); // replay
    expect(await agentState()).toMatchObject({
      state: "down",
      consecutive_failures: 2,
      last_error: "refused",
      last_seen: "2024-05-01 00:00:20.000",
      last_sample_at: "2024-05-01 00:00:00.000",
    });
    // An old sample replayed late does not bring the agent back up.
    await store.writeSamples([makeSample("flappy", iso(5_000))]);
    expect(await agentState()).toMatchObject({ state: "down", consecutive_failures: 2 });

    await store.writeEvents([event("flappy", 30_000, "up", 2, null)]);
    await store.writeSamples([makeSample("flappy", iso(30_000))]);
    expect(await agentState()).toMatchObject({ state: "up", consecutive_failures: 0, last_error: null });

    const events = await rows<{
      kind: string;
      ts: string;
      error: string | null;
      consecutive_failures: number;
    }>(
      `SELECT e.kind, e.ts, e.error, e.consecutive_failures FROM poll_events e JOIN agents a ON a.id = e.agent_id
       WHERE a.name = 'flappy' ORDER BY e.ts, e.kind`,
    );
    expect(events).toEqual([
      { kind: "poll_error", ts: "2024-05-01 00:00:10.000", error: "timeout", consecutive_failures: 1 },
      { kind: "down", ts: "2024-05-01 00:00:20.000", error: "refused", consecutive_failures: 2 },
      { kind: "poll_error", ts: "2024-05-01 00:00:20.000", error: "refused", consecutive_failures: 2 },
      { kind: "up", ts: "2024-05-01 00:00:30.000", error: null, consecutive_failures: 2 },
    ]);
  });

  it("creates the agents row for an agent that never answered", async () => {
    await store.writeEvents([event("never-up", 0, "poll_error", 1, "refused")]);
    const [agent] = await rows<Record<string, unknown>>("SELECT * FROM agents WHERE name = 'never-up'");
    expect(agent).toMatchObject({
      hostname: null,
      state: null,
      consecutive_failures: 1,
      last_error: "refused",
    });
  });

  it("uses LOAD DATA LOCAL when the server allows it, and INSERT writes the very same rows", async () => {
    expect(store.bulkLoad).toBe("load-data"); // MariaDB's default local_infile=ON
    const viaInsert = new MysqlStore({ ...options, bulkLoad: "insert" });
    await viaInsert.open();
    expect(viaInsert.bulkLoad).toBe("insert");
    const tricky = (agent: string): PollSample => {
      const sample = makeSample(agent, iso(500_000), 5);
      sample.snapshot.agent.hostname = "tab\there, 'quote', back\\slash, nl\n, \\N";
      (sample.snapshot.disks as Array<{ mount: string }>)[0] = {
        ...(sample.snapshot.disks?.[0] as NonNullable<MetricsSnapshot["disks"]>[number]),
        mount: "/mnt/tab\t/quote'/back\\slash/\\N",
      };
      return sample;
    };
    try {
      await store.writeSamples([tricky("via-load")]);
      await viaInsert.writeSamples([tricky("via-insert")]);
      await viaInsert.writeSamples([tricky("via-insert")]); // replay
    } finally {
      await viaInsert.close();
    }
    const dump = async (agent: string): Promise<unknown[]> => [
      ...(await rows(`SELECT s.* FROM samples s JOIN agents a ON a.id = s.agent_id WHERE a.name = ?`, [
        agent,
      ])),
      ...(await rows(
        `SELECT d.* FROM disk_samples d JOIN agents a ON a.id = d.agent_id WHERE a.name = ? ORDER BY mount`,
        [agent],
      )),
      ...(await rows(
        `SELECT f.* FROM security_findings f JOIN agents a ON a.id = f.agent_id WHERE a.name = ?`,
        [agent],
      )),
      ...(await rows(`SELECT hostname FROM agents WHERE name = ?`, [agent])),
    ];
    const strip = (list: unknown[]): unknown[] =>
      list.map((row) => {
        const { agent_id: _id, snapshot, ...rest } = row as Record<string, unknown>;
        return {
          ...rest,
          snapshot: typeof snapshot === "string" ? JSON.parse(snapshot).agent.hostname : snapshot,
        };
      });
    const loaded = strip(await dump("via-load"));
    expect(loaded).toHaveLength(6);
    expect(strip(await dump("via-insert"))).toEqual(loaded);
    expect(loaded).toContainEqual({ hostname: "tab\there, 'quote', back\\slash, nl\n, \\N" });
    expect(loaded).toContainEqual(expect.objectContaining({ mount: "/mnt/tab\t/quote'/back\\slash/\\N" }));
  });

  it("writes a large batch in parallel transactions and every row arrives once", async () => {
    const big = new MysqlStore({ ...options, chunkRows: 50, writeConcurrency: 3 });
    await big.open();
    try {
      const batch = Array.from({ length: 1000 }, (_, i) => makeSample(`bulk-${i % 40}`, iso(100_000 + i), i));
      await big.writeSamples(batch);
      await big.writeSamples(batch.slice(100, 700));
    } finally {
      await big.close();
    }
    const [count] = await rows<{ n: number; d: number }>(
      `SELECT COUNT(*) AS n, (SELECT COUNT(*) FROM disk_samples d JOIN agents a ON a.id = d.agent_id WHERE a.name LIKE 'bulk-%') AS d
       FROM samples s JOIN agents a ON a.id = s.agent_id WHERE a.name LIKE 'bulk-%'`,
    );
    expect(count).toEqual({ n: 1000, d: 3000 });
  });
});

describe("MysqlStore alerts", () => {
  function record(
    kind: AlertRecord["kind"],
    offsetS: number,
    patch: Partial<AlertRecord["alert"]> = {},
  ): AlertRecord {
    const startedAt = iso(1_000_000);
    return {
      kind,
      ts: iso(1_000_000 + offsetS * 1000),
      message: `web-01 disk_usage /var ${kind}`,
      alert: {
        id: `web-01/disk_usage//var/${Date.parse(startedAt)}`,
        key: "web-01/disk_usage//var",
        agent: "alerting",
        metric: "disk_usage",
        mount: "/var",
        severity: "warning",
        state: "firing",
        value: 91.5,
        threshold: 90,
        started_at: startedAt,
        resolved_at: null,
        last_notified_at: iso(1_000_000 + offsetS * 1000),
        ...patch,
      },
    };
  }
  const episode = async (): Promise<Array<Record<string, unknown>>> =>
    rows("SELECT * FROM alerts WHERE alert_key = 'web-01/disk_usage//var' ORDER BY started_at");

  it("keeps one row per episode, updated by each notification, and ignores replays and older records", async () => {
    const firing = record("firing", 0);
    const escalated = record("escalated", 60, { severity: "critical", value: 96, threshold: 95 });
    const resolved = record("resolved", 600, {
      severity: "critical",
      state: "resolved",
      value: 80,
      threshold: 95,
      resolved_at: iso(1_600_000),
    });
    await store.writeAlerts([firing]);
    expect(await episode()).toMatchObject([
      { state: "firing", severity: "warning", value: 91.5, last_kind: "firing" },
    ]);

    await store.writeAlerts([escalated, firing]); // the older one arrives again, after
    await store.writeAlerts([resolved]);
    await store.writeAlerts([firing, escalated, resolved]); // replay of everything
    const rowsNow = await episode();
    expect(rowsNow).toHaveLength(1);
    expect(rowsNow[0]).toMatchObject({
      metric: "disk_usage",
      mount: "/var",
      severity: "critical",
      state: "resolved",
      value: 80,
      threshold: 95,
      started_at: "2024-05-01 00:16:40.000",
      resolved_at: "2024-05-01 00:26:40.000",
      last_notified_at: "2024-05-01 00:26:40.000",
      last_kind: "resolved",
      message: "web-01 disk_usage /var resolved",
      updated_at: "2024-05-01 00:26:40.000",
    });
    const [agent] = await rows<{ id: number }>("SELECT id FROM agents WHERE name = 'alerting'");
    expect(rowsNow[0]?.agent_id).toBe(agent?.id);

    // The next episode of the same key is a row of its own.
    await store.writeAlerts([record("firing", 3600, { started_at: iso(4_600_000) })]);
    expect((await episode()).map((r) => r.state)).toEqual(["resolved", "firing"]);
  });
});

describe("MysqlHistoryReader alerts", () => {
  const T1 = Date.parse("2032-03-01T00:00:00.000Z");
  const at = (s: number): string => new Date(T1 + s * 1000).toISOString();
  const record = (
    agent: string,
    metric: "cpu_usage" | "disk_usage",
    startS: number,
    kind: AlertRecord["kind"],
    tsS: number,
  ): AlertRecord => {
    const mount = metric === "disk_usage" ? "/srv/data" : undefined;
    const key = `${agent}/${metric}${mount === undefined ? "" : `/${mount}`}`;
    return {
      kind,
      ts: at(tsS),
      message: `${key} ${kind}`,
      alert: {
        id: `${key}/${Date.parse(at(startS))}`,
        key,
        agent,
        metric,
        ...(mount === undefined ? {} : { mount }),
        severity: kind === "escalated" ? "critical" : "warning",
        state: kind === "resolved" ? "resolved" : "firing",
        value: 93.5,
        threshold: kind === "escalated" ? 90 : 80,
        started_at: at(startS),
        resolved_at: kind === "resolved" ? at(tsS) : null,
        last_notified_at: at(tsS),
      },
    };
  };
  // each episode's last record is what the table keeps
  const latest = [
    record("alert-a", "cpu_usage", 0, "resolved", 60),
    record("alert-b", "disk_usage", 10, "escalated", 60),
    record("alert-a", "disk_usage", 30, "firing", 90),
    record("alert-b", "cpu_usage", 100, "repeat", 200),
    record("alert-a", "cpu_usage", 300, "firing", 300),
  ];

  beforeAll(async () => {
    await store.writeAlerts([record("alert-a", "cpu_usage", 0, "firing", 0), ...latest.slice(0, 3)]);
    await store.writeAlerts([record("alert-b", "cpu_usage", 100, "firing", 100), ...latest.slice(3)]);
  });

  // the retention test counts the firing episodes
  afterAll(() => rows("DELETE FROM alerts WHERE alert_key LIKE 'alert-_/%'"));

  it("gives each episode once, in its latest state, by the time of its latest notification, across pages", async () => {
    const r = new MysqlHistoryReader({ ...TEST_SERVER, database, pageSize: 2 });
    try {
      expect(await collect(r.alerts({ from: T1, to: T1 + 3600_000 }))).toEqual(latest);
      expect(await collect(r.alerts({ from: T1 + 61_000, to: T1 + 300_000 }))).toEqual(latest.slice(2, 4));
      expect(await collect(r.alerts({ from: T1, to: T1 + 3600_000, agent: "alert-b" }))).toEqual([
        latest[1],
        latest[3],
      ]);
      expect(await collect(r.alerts({ from: T1, to: T1 + 3600_000, agent: "nobody" }))).toEqual([]);
    } finally {
      await r.close();
    }
  });
});

describe("MysqlHistoryReader", () => {
  const reader = (pageSize?: number): MysqlHistoryReader =>
    new MysqlHistoryReader({ ...TEST_SERVER, database, ...(pageSize === undefined ? {} : { pageSize }) });
  const T0 = Date.parse("2030-01-01T00:00:00.000Z");
  const at = (s: number): string => new Date(T0 + s * 1000).toISOString();
  const written: PollSample[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 7; i++) {
      for (const agent of ["read-a", "read-b"]) written.push(makeSample(agent, at(i * 10), i));
    }
    await store.writeSamples(written.slice(0, 2)); // creates read-a, then read-b: ids in name order
    await store.writeSamples([...written].reverse());
    await store.writeEvents([
      event("read-b", T0 - BASE + 15_000, "poll_error", 1, "timeout"),
      event("read-b", T0 - BASE + 25_000, "down", 3, "timeout"),
      event("read-b", T0 - BASE + 25_000, "poll_error", 3, "timeout"),
      event("read-a", T0 - BASE + 25_000, "poll_error", 1, "refused"),
    ]);
  });

  it("returns the samples written, oldest first (then by agent), across pages, with the full snapshot", async () => {
    const r = reader(3);
    try {
      const got = await collect(r.samples({ from: T0, to: T0 + 3600_000 }));
      expect(got.map((s) => `${s.ts} ${s.agent}`)).toEqual(written.map((s) => `${s.ts} ${s.agent}`));
      expect(got[4]).toEqual(written[4]);
    } finally {
      await r.close();
    }
  });

  it("filters by time range (from inclusive, to exclusive) and by agent", async () => {
    const r = reader(2);
    try {
      const got = await collect(r.samples({ from: T0 + 10_000, to: T0 + 40_000, agent: "read-b" }));
      expect(got.map((s) => s.ts)).toEqual([at(10), at(20), at(30)]);
      expect(got.every((s) => s.agent === "read-b")).toBe(true);
      expect(await collect(r.samples({ from: T0, to: T0 + 3600_000, agent: "no-such-agent" }))).toEqual([]);
      expect(await collect(r.samples({ from: T0 - 1000, to: T0 }))).toEqual([]);
    } finally {
      await r.close();
    }
  });

  it("returns the events in the order they happened, failure before the down it caused", async () => {
    const r = reader(2);
    try {
      const got = await collect(r.events({ from: T0, to: T0 + 3600_000 }));
      expect(got.map((e) => `${e.agent} ${e.kind} ${e.consecutive_failures}`)).toEqual([
        "read-b poll_error 1",
        "read-a poll_error 1",
        "read-b poll_error 3",
        "read-b down 3",
      ]);
      expect(got[0]).toEqual(event("read-b", T0 - BASE + 15_000, "poll_error", 1, "timeout"));
      const onlyA = await collect(r.events({ from: T0, to: T0 + 3600_000, agent: "read-a" }));
      expect(onlyA.map((e) => e.kind)).toEqual(["poll_error"]);
    } finally {
      await r.close();
    }
  });

  it("rebuilds a sample from the columns when its snapshot JSON was not stored", async () => {
    const lean = new MysqlStore({ ...options, storeSnapshotJson: false });
    await lean.open();
    const sample = makeSample("lean", at(100), 9);
    const sparse: PollSample = {
      agent: "lean",
      ts: at(110),
      duration_ms: 7,
      snapshot: {
        timestamp: at(110),
        agent: sample.snapshot.agent,
        temperature: { cpu_celsius: null, max_celsius: 61, sensors: [] },
        collector_status: [],
      },
    };
    try {
      await lean.writeSamples([sample, sparse]);
    } finally {
      await lean.close();
    }
    const r = reader();
    try {
      const [full, partial] = await collect(r.samples({ from: T0, to: T0 + 3600_000, agent: "lean" }));
      const s = sample.snapshot;
      expect(full).toMatchObject({ agent: "lean", ts: at(100), duration_ms: sample.duration_ms });
      expect(full?.snapshot).toMatchObject({
        timestamp: s.timestamp,
        agent: { name: "lean", hostname: s.agent.hostname, os: s.agent.os, uptime_s: s.agent.uptime_s },
        cpu: { ...s.cpu, per_core_percent: [] },
        load: s.load,
        temperature: { cpu_celsius: s.temperature?.cpu_celsius, max_celsius: s.temperature?.max_celsius },
        memory: s.memory,
        disk_io: s.disk_io,
        network: { ...s.network, interfaces: [] },
        processes: { count: 312, running: 2 },
        security: {
          status: "warning",
          issue_count: 1,
          ssh_failed_logins: {
            total: 14,
            sources: [{ ip: "203.0.113.7", count: 14, users: ["root", "admin"] }],
          },
        },
      });
      expect(full?.snapshot.disks).toEqual(s.disks);
      expect(partial?.snapshot).toEqual({
        timestamp: at(110),
        agent: { ...s.agent, boot_time: "", uptime_s: s.agent.uptime_s },
        temperature: { cpu_celsius: null, max_celsius: 61, sensors: [] },
        collector_status: [],
      });
    } finally {
      await r.close();
    }
  });
});

describe("MysqlStore retention", () => {
  it("drops only the day partitions older than the retention from every time-series table", async () => {
    const day = 86_400_000;
    // 40 days ahead: the rows land in pmax now, and retention first splits its days off
    const now = Math.floor(Date.now() / day) * day + 40 * day + 12 * 3_600_000;
    const oldTs = new Date(now - 31 * day).toISOString();
    const newTs = new Date(now - 29 * day).toISOString();
    await store.writeSamples([makeSample("aged", oldTs), makeSample("aged", newTs)]);
    await store.writeEvents([
      { agent: "aged", ts: oldTs, kind: "poll_error", error: "x", consecutive_failures: 1, duration_ms: 1 },
      { agent: "aged", ts: newTs, kind: "poll_error", error: "y", consecutive_failures: 1, duration_ms: 1 },
    ]);
    const resolvedAt = (ts: string, key: string): AlertRecord => ({
      kind: "resolved",
      ts,
      message: "",
      alert: {
        id: `${key}/0`,
        key,
        agent: "aged",
        metric: "cpu_usage",
        severity: "warning",
        state: "resolved",
        value: 1,
        threshold: 90,
        started_at: ts,
        resolved_at: ts,
        last_notified_at: ts,
      },
    });
    await store.writeAlerts([resolvedAt(oldTs, "aged/old"), resolvedAt(newTs, "aged/new")]);
    const logged: string[] = [];
    const pruner = new MysqlStore({
      ...options,
      retentionDays: 0,
      pruneBatch: 2,
      onInfo: (m) => logged.push(m),
    });
    await pruner.open();
    try {
      const result = await pruner.pruneOlderThan(30, now);
      const oldDay = `p${oldTs.slice(0, 10).replaceAll("-", "")}`;
      for (const table of ["samples", "disk_samples", "security_findings", "poll_events"]) {
        expect(result.dropped, table).toContainEqual({ table, name: oldDay });
        expect(logged).toContain(`dropped partition ${oldDay} of ${table} (retention 30 d)`);
      }
      expect(result.alerts).toBeGreaterThanOrEqual(1);
    } finally {
      await pruner.close();
    }
    const cutoff = new Date(now - 30 * day).toISOString().replace("T", " ").slice(0, 23);
    for (const table of ["samples", "disk_samples", "security_findings", "poll_events"]) {
      const [counts] = await rows<{ old: number; kept: number }>(
        `SELECT SUM(t.ts < ?) AS old, SUM(t.ts >= ?) AS kept FROM ${table} t JOIN agents a ON a.id = t.agent_id WHERE a.name = 'aged'`,
        [cutoff, cutoff],
      );
      expect(Number(counts?.old), table).toBe(0);
      expect(Number(counts?.kept), table).toBeGreaterThan(0);
    }
    const alerts = await rows<{ alert_key: string }>(
      "SELECT alert_key FROM alerts WHERE alert_key LIKE 'aged/%'",
    );
    expect(alerts.map((a) => a.alert_key)).toEqual(["aged/new"]);
    // A firing episode stays, however old.
    const firing = await rows<{ n: number }>("SELECT COUNT(*) AS n FROM alerts WHERE state = 'firing'");
    expect(firing[0]?.n).toBe(1);
    // The agent and everything newer stay.
    const [agent] = await rows<{ n: number }>("SELECT COUNT(*) AS n FROM agents WHERE name = 'aged'");
    expect(agent?.n).toBe(1);
  });

  // retention at open() on day partitions: partitions.integration.test.ts
});

describe("MysqlStore when the server is unreachable", () => {
  it("open() rejects within seconds when nothing listens", async () => {
    const dead = new MysqlStore({ ...options, host: "127.0.0.1", port: 1 });
    const started = Date.now();
    await expect(dead.open()).rejects.toThrow(/127\.0\.0\.1:1/);
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(dead.writeSamples([makeSample("x", iso(0))])).rejects.toThrow(/not open/);
  });

  it("open() rejects within the connect timeout when the server never answers", async () => {
    const silent = net.createServer(() => undefined); // accepts, never says hello
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const dead = new MysqlStore({ ...options, port, connectTimeoutMs: 1000, acquireTimeoutMs: 2000 });
    const started = Date.now();
    try {
      await expect(dead.open()).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      silent.close();
    }
  });

  it("writeSamples rejects fast during an outage, then works again and the replay adds no duplicate", async () => {
    const proxy = await startProxy(TEST_SERVER.host, TEST_SERVER.port);
    const flaky = new MysqlStore({
      ...options,
      port: proxy.port,
      connectTimeoutMs: 1000,
      acquireTimeoutMs: 2000,
      queryTimeoutMs: 1500,
    });
    try {
      await flaky.open();
      await flaky.writeSamples([makeSample("outage", iso(0))]);

      const batch = [makeSample("outage", iso(10_000)), makeSample("outage", iso(20_000))];
      // The server stops answering on the open connection: the statement times out.
      proxy.freeze();
      let started = Date.now();
      await expect(flaky.writeSamples(batch)).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(5000);

      // The server is gone: new connections are refused.
      await proxy.stop();
      started = Date.now();
      await expect(flaky.writeSamples(batch)).rejects.toThrow();
      await expect(flaky.writeEvents([event("outage", 30_000, "poll_error", 1, "x")])).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(5000);

      // Back again: the spooled batch is replayed, twice even, and lands once.
      await proxy.restart();
      await flaky.writeSamples(batch);
      await flaky.writeSamples(batch);
      const [count] = await rows<{ n: number }>(
        "SELECT COUNT(*) AS n FROM samples s JOIN agents a ON a.id = s.agent_id WHERE a.name = 'outage'",
      );
      expect(count?.n).toBe(3);
    } finally {
      await flaky.close();
      await proxy.stop();
    }
  });

  it("close() returns promptly even with a connection stuck on a silent server", async () => {
    const proxy = await startProxy(TEST_SERVER.host, TEST_SERVER.port);
    const stuck = new MysqlStore({ ...options, port: proxy.port, queryTimeoutMs: 60_000 });
    try {
      await stuck.open();
      proxy.freeze();
      const pending = stuck.writeSamples([makeSample("stuck", iso(0))]);
      pending.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const started = Date.now();
      await stuck.close();
      expect(Date.now() - started).toBeLessThan(7000);
    } finally {
      await proxy.stop();
    }
  });
});

/** A TCP proxy to the test server that can stop forwarding (freeze) or go away (stop) and come back on the same port. */
async function startProxy(
  host: string,
  targetPort: number,
): Promise<{ port: number; freeze(): void; stop(): Promise<void>; restart(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let frozen = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => s.destroy());
    }
    client.on("data", (data) => {
      if (!frozen) upstream.write(data);
    });
    upstream.on("data", (data) => {
      if (!frozen) client.write(data);
    });
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  const listen = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    freeze: () => {
      frozen = true;
    },
    stop: async () => {
      for (const s of sockets) s.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    restart: async () => {
      frozen = false;
      await listen(port);
    },
  };
}
