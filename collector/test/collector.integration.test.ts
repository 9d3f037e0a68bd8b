import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentProcess, type AgentProcess } from "../../agent/test/run-agent.js";
import { SERIES_COLUMNS } from "../src/storage/columns.js";
import type { PollEvent, PollSample } from "../src/storage/records.js";
import { seriesRowOf, type SeriesBatch } from "../src/storage/series.js";
import { FileHistoryReader } from "../src/storage/file/file-reader.js";
import { startPythonAgent } from "./python-agent.js";
import { runCollector, writeCollectorConfig } from "./run-collector.js";
import { deadPort, startHangingServer } from "./tcp-proxy.js";

const ALL_TIME = { from: 0, to: Date.now() + 86_400_000 };

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe("collector polling real agents into the file store", () => {
  const agents: AgentProcess[] = [];
  let python: { port: number; stop(): void };
  let hanging: { port: number; close(): Promise<void> };
  let config: { file: string; dir: string };
  let samples: PollSample[];
  let events: PollEvent[];
  let series: SeriesBatch[];
  const CYCLES = 3;

  beforeAll(async () => {
    agents.push(await startAgentProcess({}), await startAgentProcess({}));
    python = await startPythonAgent();
    hanging = await startHangingServer();
    const dead = await deadPort();
    config = writeCollectorConfig({
      agents: [
        { name: "ours-1", host: "127.0.0.1", port: agents[0]?.port },
        { name: "ours-2", host: "127.0.0.1", port: agents[1]?.port },
        { name: "python", host: "127.0.0.1", port: python.port },
        { name: "dead", host: "127.0.0.1", port: dead },
        { name: "hung", host: "127.0.0.1", port: hanging.port },
      ],
      poll_interval: 5,
      timeout: 1,
      alerts: { down_after: 2 },
    });
    const data = path.join(config.dir, "data");
    const file = writeCollectorConfig(
      { ...(JSON.parse(readFileSync(config.file, "utf8")) as object), storage: { dir: data } },
      config.dir,
    ).file;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const result = await runCollector(["--config", file, "--once"]);
      expect(result.code, result.stderr).toBe(0);
    }
    const reader = new FileHistoryReader({
      jsonFile: path.join(data, "metrics_data.jsonl"),
      eventsFile: path.join(data, "poll_events.jsonl"),
    });
    samples = await collect(reader.samples(ALL_TIME));
    events = await collect(reader.events(ALL_TIME));
    await reader.close();
    // no samples file: every series is read off the figures file
    const seriesReader = new FileHistoryReader({
      jsonFile: path.join(data, "no-samples", "metrics_data.jsonl"),
      figuresFile: path.join(data, "metrics_figures.jsonl"),
      eventsFile: path.join(data, "poll_events.jsonl"),
    });
    series = await collect(seriesReader.series(ALL_TIME));
    await seriesReader.close();
  }, 60_000);

  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    python.stop();
    await hanging.close();
  });

  it("stores one sample per cycle for every live agent, ours and a Python one", () => {
    const perAgent = (name: string) => samples.filter((s) => s.agent === name);
    expect(perAgent("ours-1")).toHaveLength(CYCLES);
    expect(perAgent("ours-2")).toHaveLength(CYCLES);
    expect(perAgent("python")).toHaveLength(CYCLES);
    expect(perAgent("dead")).toHaveLength(0);
    expect(perAgent("hung")).toHaveLength(0);
    const py = perAgent("python")[0]?.snapshot;
    expect(py?.memory?.total_bytes).toBeGreaterThan(0);
    expect(py?.temperature?.cpu_celsius).toBeNull();
    expect(perAgent("ours-1")[0]?.snapshot.memory?.total_bytes).toBeGreaterThan(0);
  });

  it("writes every sample's series to metrics_figures.jsonl, as seriesRowOf gives them", () => {
    const live = ["ours-1", "ours-2", "python"];
    /** Per agent and sample: its time, each column's value, the usage of each mount it had a usage for. */
    const rows = (batches: readonly SeriesBatch[]) =>
      batches.flatMap((batch) =>
        [...batch.t].map((time, i) => ({
          agent: batch.agent,
          time,
          values: Object.fromEntries(SERIES_COLUMNS.map((c) => [c.name, batch.values[c.name]![i]])),
          disks: new Map(
            [...batch.disks].flatMap(([mount, usage]) => (Number.isNaN(usage[i]) ? [] : [[mount, usage[i]]])),
          ),
        })),
      );
    const read = rows(series);
    expect(read).toHaveLength(3 * CYCLES);
    expect(new Set(read.map((row) => row.agent))).toEqual(new Set(live));
    for (const agent of live) {
      const ofAgent = read.filter((row) => row.agent === agent);
      const written = samples.filter((s) => s.agent === agent).map(seriesRowOf);
      expect(ofAgent).toEqual(
        written.map((row) => ({
          agent,
          time: row.time,
          values: Object.fromEntries(SERIES_COLUMNS.map((c, i) => [c.name, row.values[i]])),
          disks: new Map(
            row.mounts.flatMap((mount, d) =>
              Number.isNaN(row.percents[d]) ? [] : [[mount, row.percents[d]]],
            ),
          ),
        })),
      );
      expect(
        ofAgent.some((row) => row.disks.size > 0),
        agent,
      ).toBe(true);
    }
  });

  it("marks the dead and the hanging agent down, with the reason", () => {
    const of = (name: string, kind: string) => events.filter((e) => e.agent === name && e.kind === kind);
    expect(of("dead", "poll_error")).toHaveLength(CYCLES);
    expect(of("dead", "poll_error")[0]?.error).toMatch(/refused/);
    expect(of("hung", "poll_error")[0]?.error).toMatch(/timeout/);
    expect(of("dead", "down")).toHaveLength(1);
    expect(of("hung", "down")).toHaveLength(1);
    expect(of("ours-1", "poll_error")).toHaveLength(0);
  });

  it("does not let the hanging agent delay the others", () => {
    const live = samples.filter((s) => ["ours-1", "ours-2", "python"].includes(s.agent));
    expect(live).toHaveLength(3 * CYCLES);
    expect(Math.max(...live.map((s) => s.duration_ms))).toBeLessThan(900);
    const hung = events.filter((e) => e.agent === "hung" && e.kind === "poll_error");
    expect(hung).toHaveLength(CYCLES);
    expect(Math.min(...hung.map((e) => e.duration_ms))).toBeGreaterThanOrEqual(950);
  });
});

describe("collector command line", () => {
  it("exits 2 and names the key for a bad config", async () => {
    const { file } = writeCollectorConfig({
      agents: [{ name: "a", host: "h", port: 70000 }],
      storage: { type: "csv" },
    });
    const result = await runCollector(["--config", file, "--check-config"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("agents[0].port: expected <=65535, got 70000");
    expect(result.stderr).toContain('storage.type: must be "file" or "mysql" (got "csv")');
  });

  it("accepts the example config and prints help", async () => {
    expect((await runCollector(["--config", "config/collector.example.json", "--check-config"])).code).toBe(
      0,
    );
    const help = await runCollector(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--once");
  });
});
