import { describe, expect, it } from "vitest";
import type { MetricsSnapshot } from "../../../../common/src/contract/protocol.js";
import { fromDbTime, toDbTime } from "./connection.js";
import {
  DISK_COLUMNS,
  FINDING_COLUMNS,
  SAMPLE_COLUMNS,
  diskRows,
  familiesOf,
  findingRows,
  sampleRow,
} from "./rows.js";
import { makeSample } from "../../../test/support/mysql-server.js";
import { makeSnapshot } from "../../../../common/src/contract/example-snapshot.js";

/** The fields of a tab-separated row. */
function values(row: string): string[] {
  return row.split("\t");
}

describe("row literals", () => {
  it("gives one value per samples column, the snapshot JSON last when kept", () => {
    const sample = makeSample("a", "2024-05-01T00:00:00.000Z");
    const ts = "2024-05-01 00:00:00.000";
    expect(values(sampleRow(7, ts, sample, null, ts))).toHaveLength(SAMPLE_COLUMNS.length - 1);
    expect(values(sampleRow(7, ts, sample, "{}", ts))).toHaveLength(SAMPLE_COLUMNS.length);
    expect(values(sampleRow(7, ts, sample, null, ts)).slice(0, 4)).toEqual(["7", ts, ts, "12"]);
  });

  it("lists the families present and writes NULL for the absent ones", () => {
    const full = makeSnapshot("a", "2024-05-01T00:00:00.000Z");
    expect(familiesOf(full)).toBe("cpu,load,temperature,memory,disks,disk_io,network,processes,security");
    const sparse: MetricsSnapshot = {
      timestamp: full.timestamp,
      agent: full.agent,
      temperature: { cpu_celsius: null, max_celsius: 48.5, sensors: [] },
      collector_status: [],
    };
    expect(familiesOf(sparse)).toBe("temperature");
    const row = values(
      sampleRow(
        1,
        "2024-05-01 00:00:00.000",
        { agent: "a", ts: "", duration_ms: 1, snapshot: sparse },
        null,
        null,
      ),
    );
    const column = (name: string): string | undefined => row[SAMPLE_COLUMNS.indexOf(name)];
    expect(column("cpu_temperature_celsius")).toBe("\\N");
    expect(column("max_temperature_celsius")).toBe("48.5");
    expect(column("cpu_usage_percent")).toBe("\\N");
    expect(column("memory_total_bytes")).toBe("\\N");
    expect(column("worst_disk_usage_percent")).toBe("\\N");
    expect(column("agent_ts")).toBe("\\N");
    expect(column("uptime_s")).toBe(String(full.agent.uptime_s));
  });

  it("gives one disk row per distinct mount", () => {
    const snapshot = makeSnapshot("a", "2024-05-01T00:00:00.000Z");
    snapshot.disks?.push({ ...(snapshot.disks[0] as NonNullable<MetricsSnapshot["disks"]>[number]) });
    const rows = diskRows(3, "2024-05-01 00:00:00.000", snapshot);
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(values(row)).toHaveLength(DISK_COLUMNS.length);
    expect(values(rows[1] as string).slice(2, 5)).toEqual(["/boot/efi", "/dev/nvme0n1p1", "vfat"]);
  });

  it("numbers the findings in a fixed order: processes, SSH sources, listeners", () => {
    const snapshot = makeSnapshot("a", "2024-05-01T00:00:00.000Z");
    snapshot.security = {
      ...(snapshot.security as NonNullable<MetricsSnapshot["security"]>),
      unexpected_listeners: [{ proto: "udp", address: "::", port: 5353, pid: null, process: null }],
      suspicious_processes: [
        { pid: 1, name: "x", user: "u", exe: "/tmp/x", reason: "suspicious_dir", severity: "critical" },
      ],
    };
    const rows = findingRows(3, "2024-05-01 00:00:00.000", snapshot).map(values);
    for (const row of rows) expect(row).toHaveLength(FINDING_COLUMNS.length);
    expect(rows.map((r) => [r[2], r[3]])).toEqual([
      ["0", "suspicious_process"],
      ["1", "ssh_brute_force"],
      ["2", "unexpected_listener"],
    ]);
    expect(findingRows(3, "x", { ...snapshot, security: undefined })).toEqual([]);
  });
});

describe("DATETIME conversion", () => {
  it("converts ISO 8601 and epoch ms to UTC DATETIME(3) and back", () => {
    expect(toDbTime("2024-05-01T12:34:56.789Z")).toBe("2024-05-01 12:34:56.789");
    expect(toDbTime("2024-05-01T14:34:56.789+02:00")).toBe("2024-05-01 12:34:56.789");
    expect(toDbTime(Date.UTC(2024, 4, 1))).toBe("2024-05-01 00:00:00.000");
    expect(toDbTime("garbage")).toBeNull();
    expect(toDbTime(Date.UTC(10_000, 0, 1))).toBeNull();
    expect(fromDbTime("2024-05-01 12:34:56.789")).toBe("2024-05-01T12:34:56.789Z");
    expect(fromDbTime("2024-05-01 12:34:56")).toBe("2024-05-01T12:34:56.000Z");
    expect(fromDbTime("2024-05-01 12:34:56.7")).toBe("2024-05-01T12:34:56.700Z");
  });
});
