/**
 * Properties of the MySQL row encodings over every sample the normaliser can produce
 * (collector/test/arbitrary-snapshot.ts): they never throw, every field is a well-formed value
 * of its column's type (strict sql_mode refuses an out-of-range INT or a too-long string, which
 * would fail the whole batch), and every statement keeps the data inside its string literals.
 */
import fc from "fast-check";
import { SAMPLE_SCALARS, type SqlType } from "../columns.js";
import { describe, expect, it } from "vitest";
import { alertRecord, pollEvent, pollSample, snapshot } from "../../../test/arbitrary-snapshot.js";
import { toDbTime } from "./connection.js";
import { NULL_CELL, sqlTuple } from "./encoding.js";
import {
  DISK_COLUMNS,
  EVENT_COLUMNS,
  FAMILIES,
  FINDING_COLUMNS,
  SAMPLE_COLUMNS,
  diskRows,
  eventRow,
  findingRows,
  sampleRow,
  snapshotJson,
} from "./rows.js";
import {
  agentEventUpdates,
  agentInserts,
  agentSampleUpdates,
  alertUpserts,
  bulkOperations,
} from "./statements.js";

const RUNS = { numRuns: 500, seed: 20_261_123 };

/** A column's type as db/init_database.sql declares it; `null: false` for NOT NULL. */
type Column =
  | { type: "double" | "uint" | "ubig" | "smallint" | "datetime" | "families"; null: boolean }
  | { type: "varchar"; max: number; null: boolean; text?: boolean };

const dbl = { type: "double", null: true } as const;
const uint = { type: "uint", null: true } as const;
const ubig = { type: "ubig", null: true } as const;
const varchar = (max: number, isNull = true): Column => ({ type: "varchar", max, null: isNull });
const TEXT: Column = { type: "varchar", max: 65_535, null: true, text: true };
const key = (type: "uint" | "datetime" | "smallint"): Column => ({ type, null: false });

/** How the schema declares each catalog type (the schema is rendered from the catalog). */
const CATALOG_TYPES: Record<SqlType, Column> = {
  DOUBLE: dbl,
  "INT UNSIGNED": uint,
  "BIGINT UNSIGNED": ubig,
  "VARCHAR(16)": varchar(16),
};

const SAMPLE_TYPES: Record<string, Column> = {
  agent_id: key("uint"),
  ts: key("datetime"),
  agent_ts: { type: "datetime", null: true },
  duration_ms: { type: "double", null: false },
  families: { type: "families", null: false },
  ...Object.fromEntries(SAMPLE_SCALARS.map((column) => [column.name, CATALOG_TYPES[column.sql]])),
  snapshot: { type: "varchar", max: Number.MAX_SAFE_INTEGER, null: true },
};

const DISK_TYPES: Record<(typeof DISK_COLUMNS)[number], Column> = {
  agent_id: key("uint"),
  ts: key("datetime"),
  mount: varchar(512, false),
  device: varchar(255),
  fstype: varchar(64),
  total_bytes: ubig,
  used_bytes: ubig,
  usage_percent: dbl,
  inodes_percent: dbl,
};

const FINDING_TYPES: Record<(typeof FINDING_COLUMNS)[number], Column> = {
  agent_id: key("uint"),
  ts: key("datetime"),
  seq: key("smallint"),
  kind: varchar(32, false),
  severity: varchar(16),
  reason: varchar(32),
  pid: uint,
  name: varchar(255),
  user: varchar(255),
  exe: varchar(1024),
  ip: varchar(64),
  count: uint,
  proto: varchar(16),
  address: varchar(64),
  port: uint,
};

const EVENT_TYPES: Record<(typeof EVENT_COLUMNS)[number], Column> = {
  agent_id: key("uint"),
  ts: key("datetime"),
  kind: varchar(16, false),
  error: TEXT,
  consecutive_failures: { type: "uint", null: false },
  duration_ms: dbl,
};

const DOUBLE_LITERAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:e[+-]\d+)?$/;
const DATETIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/;

/** A LOAD DATA field's value: its escapes undone; undefined when an escape is bad. */
function unescapeField(cell: string): string | undefined {
  let bad = false;
  const value = cell.replace(/\\(.?)/gsu, (_m, c: string) => {
    const plain = { "\\": "\\", t: "\t", n: "\n", r: "\r", "0": "\0" }[c];
    if (plain === undefined) bad = true;
    return plain ?? "";
  });
  return bad ? undefined : value;
}

/** Why a field is not a well-formed value of its column, or undefined when it is. */
function badField(cell: string, column: Column): string | undefined {
  if (/[\t\n\r\0]/.test(cell)) return "raw tab, line break or NUL";
  if (cell === NULL_CELL) return column.null ? undefined : "NULL in a NOT NULL column";
  switch (column.type) {
    case "double":
      return DOUBLE_LITERAL.test(cell) && Number.isFinite(Number(cell)) ? undefined : "not a DOUBLE";
    case "uint":
      return /^\d+$/.test(cell) && BigInt(cell) <= 4_294_967_295n ? undefined : "not an INT UNSIGNED";
    case "smallint":
      return /^\d+$/.test(cell) && BigInt(cell) <= 65_535n ? undefined : "not a SMALLINT UNSIGNED";
    case "ubig":
      return /^\d+$/.test(cell) && BigInt(cell) <= 2n ** 64n - 1n ? undefined : "not a BIGINT UNSIGNED";
    case "datetime":
      return DATETIME.test(cell) ? undefined : "not a DATETIME(3)";
    case "families":
      return cell === "" || cell.split(",").every((f) => (FAMILIES as readonly string[]).includes(f))
        ? undefined
        : "not a families SET";
    case "varchar": {
      const value = unescapeField(cell);
      if (value === undefined) return "bad escape";
      // MySQL counts characters (code points; a lone surrogate goes as one U+FFFD)
      if (Array.from(value).length > column.max) return `longer than ${column.max} characters`;
      if (column.text === true && Buffer.byteLength(value) > 65_535) return "more than 65,535 bytes";
      return undefined;
    }
  }
}

function expectRow(row: string, columns: readonly string[], types: Record<string, Column>): void {
  const cells = row.split("\t");
  expect(cells).toHaveLength(columns.length);
  cells.forEach((cell, i) => {
    const column = columns[i]!;
    expect({ column, cell: cell.slice(0, 80), problem: badField(cell, types[column]!) }).toEqual({
      column,
      cell: cell.slice(0, 80),
      problem: undefined,
    });
  });
  expectSqlLiterals(sqlTuple(row));
}

/**
 * The SQL outside its string literals: the literals are '...' with backslash escapes, and all
 * the data must be inside them (what is left is the statement's own text, numbers and NULL).
 */
function outsideLiterals(sql: string): string {
  let out = "";
  for (let i = 0; i < sql.length; i++) {
    if (sql[i] !== "'") {
      out += sql[i];
      continue;
    }
    for (i++; i < sql.length && sql[i] !== "'"; i++) if (sql[i] === "\\") i++;
    if (i >= sql.length) throw new Error(`unterminated string literal in ${sql.slice(0, 200)}`);
    out += "?";
  }
  return out;
}

function expectSqlLiterals(sql: string): void {
  expect(outsideLiterals(sql)).toMatch(/^[\w\s`,.()=<>?*+-]*$/);
}

const dbTs = (iso: string): string => toDbTime(iso) ?? "2024-05-01 00:00:00.000";

describe("MySQL rows of a sample", { timeout: 20_000 }, () => {
  it("samples, disk_samples and security_findings rows are well-formed for every sample", () => {
    fc.assert(
      fc.property(pollSample, fc.boolean(), (sample, withJson) => {
        const ts = dbTs(sample.ts);
        const agentTs = toDbTime(sample.snapshot.timestamp);
        const json = withJson ? JSON.stringify(sample.snapshot) : null;
        const snapshotField = json === null ? null : json.replace(/[\\\t\n\r\0]/g, (c) => `\\${c}`);
        const row = sampleRow(4_294_967_295, ts, sample, snapshotField, agentTs);
        expectRow(row, withJson ? SAMPLE_COLUMNS : SAMPLE_COLUMNS.slice(0, -1), SAMPLE_TYPES);
        const disks = diskRows(1, ts, sample.snapshot);
        for (const disk of disks) expectRow(disk, DISK_COLUMNS, DISK_TYPES);
        // one row per mount: the primary key is (ts, agent_id, mount)
        expect(new Set(disks.map((d) => d.split("\t")[2])).size).toBe(disks.length);
        const findings = findingRows(1, ts, sample.snapshot);
        for (const finding of findings) expectRow(finding, FINDING_COLUMNS, FINDING_TYPES);
        for (const mode of ["insert", "load-data"] as const) {
          for (const op of bulkOperations(mode, "disk_samples", DISK_COLUMNS, disks, 100, 1 << 20)) {
            expectSqlLiterals(op.sql);
          }
        }
      }),
      RUNS,
    );
  });

  it("the agents row update from a sample is well-formed SQL", () => {
    fc.assert(
      fc.property(fc.array(pollSample, { minLength: 1, maxLength: 3 }), (samples) => {
        const summaries = samples.map((last, id) => ({
          name: last.agent,
          id: id + 1,
          firstTs: dbTs(last.ts),
          lastTs: dbTs(last.ts),
          last,
        }));
        for (const sql of agentSampleUpdates(summaries, 2)) expectSqlLiterals(sql);
        const inserts = agentInserts(
          samples.map((s) => ({ name: s.agent, firstTs: dbTs(s.ts) })),
          2,
        );
        for (const sql of inserts) expectSqlLiterals(sql);
      }),
      { ...RUNS, numRuns: 200 },
    );
  });
});

describe("MySQL rows of events and alerts", { timeout: 20_000 }, () => {
  it("poll_events rows and the agents update are well-formed for every event", () => {
    fc.assert(
      fc.property(pollEvent, (event) => {
        expectRow(eventRow(1, dbTs(event.ts), event), EVENT_COLUMNS, EVENT_TYPES);
        const summary = {
          id: 1,
          firstTs: dbTs(event.ts),
          lastTs: dbTs(event.ts),
          state: event.kind === "poll_error" ? null : event.kind,
          failures: event.consecutive_failures,
          error: event.error,
        };
        for (const sql of agentEventUpdates([summary], 10)) expectSqlLiterals(sql);
      }),
      RUNS,
    );
  });

  it("alert upserts are well-formed for every alert record", () => {
    fc.assert(
      fc.property(fc.array(alertRecord, { minLength: 1, maxLength: 4 }), (records) => {
        const rows = records.map((record) => ({
          record,
          ts: dbTs(record.ts),
          startedAt: dbTs(record.alert.started_at),
          agentId: 1,
        }));
        for (const sql of alertUpserts(rows, 2, 1 << 20)) expectSqlLiterals(sql);
      }),
      RUNS,
    );
  });
});

describe("samples.snapshot JSON (snapshotJson)", { timeout: 20_000 }, () => {
  const wellFormed = (value: unknown): unknown =>
    JSON.parse(
      JSON.stringify(value, (_k, v: unknown) =>
        typeof v === "string" ? v.replace(/\p{Cs}/gu, "\ufffd") : v,
      ),
    );

  it("is JSON without lone-surrogate escapes (which MariaDB's JSON functions refuse), for every snapshot", () => {
    fc.assert(
      fc.property(snapshot, (s) => {
        const json = snapshotJson(s);
        // an escape \uD800-\uDFFF not itself escaped
        expect(json).not.toMatch(/(?<!\\)(?:\\\\)*\\ud[89a-f]/i);
        expect(JSON.parse(json)).toEqual(wellFormed(s));
      }),
      RUNS,
    );
  });

  it("regression: a lone surrogate becomes U+FFFD; a backslash followed by 'ud800' stays text", () => {
    const s = {
      timestamp: "t",
      agent: { name: "a", hostname: "x\udfff", os: "\\ud800" },
      collector_status: [],
    };
    const json = snapshotJson(s);
    expect(json).not.toContain("\\udfff");
    expect(JSON.parse(json)).toEqual({ ...s, agent: { name: "a", hostname: "x\ufffd", os: "\\ud800" } });
  });
});
