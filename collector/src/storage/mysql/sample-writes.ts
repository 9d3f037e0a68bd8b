import type { Knex } from "knex";
import { errorText } from "../../../../common/src/error-text.js";
import type { PollSample } from "../records.js";
import { toDbTime } from "./connection.js";
import { field } from "./encoding.js";
import {
  DISK_COLUMNS,
  FINDING_COLUMNS,
  SAMPLE_COLUMNS,
  diskRows,
  findingRows,
  sampleRow,
  snapshotJson,
} from "./rows.js";
import { agentSampleUpdates, bulkOperations, isLoadDataRefused } from "./statements.js";
import type { AgentSampleSummary, BulkMode, Operation } from "./statements.js";
import { checkRecord, transact, type WriteContext } from "./write-context.js";

/** A batch is split into parallel transactions only when each gets at least this many samples. */
const MIN_LANE_SAMPLES = 250;

export interface SampleWriteOptions {
  /** Keep the whole snapshot as JSON in samples.snapshot. */
  storeSnapshotJson: boolean;
  /** Transactions in parallel for a large batch. */
  writeConcurrency: number;
}

interface ValidSample {
  sample: PollSample;
  ts: string;
}

/**
 * Writes samples with their child rows (disks, security findings) and the agents rows they
 * make stale, in the bulk mode chosen at open. LOAD DATA refused (by the server or the driver)
 * switches this writer to INSERT for good, and the batch is written again that way rather
 * than failed.
 */
export class SampleWriter {
  /** How bulk rows are written now; set at open. */
  bulkMode: BulkMode = "insert";

  constructor(
    private readonly context: WriteContext,
    private readonly options: SampleWriteOptions,
  ) {}

  async write(db: Knex, samples: ReadonlyArray<PollSample>): Promise<void> {
    const { valid, summaries } = this.validate(samples);
    if (valid.length === 0) return;
    const { agentIds, agentRows } = this.context;
    await agentIds.resolve(db, summaries);
    for (const summary of summaries.values()) summary.id = agentIds.get(summary.name) as number;
    const stale = [...summaries.values()].filter((summary) => agentRows.isStale(summary));

    try {
      await this.writeLanes(db, valid, stale);
    } catch (error) {
      if (this.bulkMode !== "load-data" || !isLoadDataRefused(error)) throw error;
      this.bulkMode = "insert";
      this.context.warn(`MySQL refuses LOAD DATA LOCAL INFILE (${errorText(error)}); using INSERT`);
      await this.writeLanes(db, valid, stale);
    }
    agentRows.samplesWritten(stale);
  }

  /** The samples that can be stored, and per agent its first and latest of them. */
  private validate(samples: ReadonlyArray<PollSample>): {
    valid: ValidSample[];
    summaries: Map<string, AgentSampleSummary>;
  } {
    const valid: ValidSample[] = [];
    const summaries = new Map<string, AgentSampleSummary>();
    for (const sample of samples) {
      const ts = checkRecord(this.context, sample.agent, sample.ts, "sample");
      if (ts === null) continue;
      valid.push({ sample, ts });
      const summary = summaries.get(sample.agent);
      if (summary === undefined) {
        summaries.set(sample.agent, { name: sample.agent, id: 0, firstTs: ts, lastTs: ts, last: sample });
      } else {
        if (ts < summary.firstTs) summary.firstTs = ts;
        if (ts >= summary.lastTs) {
          summary.lastTs = ts;
          summary.last = sample;
        }
      }
    }
    return { valid, summaries };
  }

  /**
   * A large batch goes as up to writeConcurrency transactions in parallel, each with whole
   * samples (row, disks, findings); the agents rows are updated in the first.
   */
  private async writeLanes(
    db: Knex,
    valid: readonly ValidSample[],
    stale: AgentSampleSummary[],
  ): Promise<void> {
    const { writeConcurrency } = this.options;
    const lanes = Math.max(1, Math.min(writeConcurrency, Math.floor(valid.length / MIN_LANE_SAMPLES)));
    const size = Math.ceil(valid.length / lanes);
    const results = await Promise.allSettled(
      Array.from({ length: lanes }, (_, lane) => {
        const operations: Array<Iterable<Operation>> = [
          this.operations(valid.slice(lane * size, (lane + 1) * size)),
        ];
        if (lane === 0)
          operations.push(agentSampleUpdates(stale, this.context.chunkRows).map((sql) => ({ sql })));
        return transact(this.context, db, operations);
      }),
    );
    for (const result of results) if (result.status === "rejected") throw result.reason;
  }

  /**
   * The statements for some samples, built a chunk at a time while the previous statement runs
   * on the server: chunkRows samples, then their disks, then their findings.
   */
  private *operations(valid: readonly ValidSample[]): Generator<Operation> {
    const { chunkRows, chunkBytes, agentIds } = this.context;
    const { storeSnapshotJson } = this.options;
    const sampleColumns = storeSnapshotJson ? SAMPLE_COLUMNS : SAMPLE_COLUMNS.slice(0, -1);
    for (let start = 0; start < valid.length; start += chunkRows) {
      const sampleLines: string[] = [];
      const diskLines: string[] = [];
      const findingLines: string[] = [];
      for (const { sample, ts } of valid.slice(start, start + chunkRows)) {
        const id = agentIds.get(sample.agent) as number;
        const snapshotField = storeSnapshotJson ? field(snapshotJson(sample.snapshot)) : null;
        const agentTs =
          typeof sample.snapshot.timestamp === "string" ? toDbTime(sample.snapshot.timestamp) : null;
        sampleLines.push(sampleRow(id, ts, sample, snapshotField, agentTs));
        for (const row of diskRows(id, ts, sample.snapshot)) diskLines.push(row);
        for (const row of findingRows(id, ts, sample.snapshot)) findingLines.push(row);
      }
      const mode = this.bulkMode;
      const max = chunkRows * 4;
      yield* bulkOperations(mode, "samples", sampleColumns, sampleLines, chunkRows, chunkBytes);
      yield* bulkOperations(mode, "disk_samples", DISK_COLUMNS, diskLines, max, chunkBytes);
      yield* bulkOperations(mode, "security_findings", FINDING_COLUMNS, findingLines, max, chunkBytes);
    }
  }
}
