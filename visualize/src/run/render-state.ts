import { existsSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { AgentCharts } from "../model.js";

const STATE_FILE = ".hostwatch-visualize.json";
const VERSION = 1;

interface AgentState {
  /** Newest sample drawn, epoch ms (null: none). */
  lastSample: number | null;
  down: boolean;
  charts: AgentCharts;
}

interface StateFile {
  version: number;
  /** What the charts depend on besides the data: plots, sizes, range length, thresholds. */
  settings: string;
  agents: Record<string, AgentState>;
}

/**
 * What the previous run drew, kept in the output folder: an agent with no new sample, the same
 * up/down state and the same settings is not drawn again (its PNGs are still there).
 */
export class RenderState {
  private constructor(
    private readonly file: string,
    private readonly settings: string,
    private readonly previous: Record<string, AgentState>,
    private readonly next: Record<string, AgentState> = {},
  ) {}

  static async load(outputDir: string, settings: string): Promise<RenderState> {
    const file = path.join(outputDir, STATE_FILE);
    const text = await readFile(file, "utf8").catch(() => undefined);
    let agents: Record<string, AgentState> = {};
    if (text !== undefined) {
      try {
        const parsed = JSON.parse(text) as Partial<StateFile>;
        if (parsed.version === VERSION && parsed.settings === settings && parsed.agents !== undefined)
          agents = parsed.agents;
      } catch {
        // a damaged state file only means everything is drawn again
      }
    }
    return new RenderState(file, settings, agents);
  }

  /** Whether the agent's charts from the previous run are still right. */
  isCurrent(agent: string, lastSample: number | undefined, down: boolean, outputDir: string): boolean {
    const before = this.previous[agent];
    return (
      before !== undefined &&
      before.lastSample === (lastSample ?? null) &&
      before.down === down &&
      chartFiles(before.charts).every((file) => existsSync(path.join(outputDir, file)))
    );
  }

  /** What was drawn earlier for an agent that is current. */
  previousCharts(agent: string): AgentCharts | undefined {
    return this.previous[agent]?.charts;
  }

  record(agent: string, lastSample: number | undefined, down: boolean, charts: AgentCharts): void {
    this.next[agent] = { lastSample: lastSample ?? null, down, charts };
  }

  async save(): Promise<void> {
    const state: StateFile = { version: VERSION, settings: this.settings, agents: this.next };
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(state));
    await rename(temp, this.file);
  }
}

function chartFiles(charts: AgentCharts): string[] {
  return [...charts.charts, ...Object.values(charts.sparklines)].map((c) => c.file).concat(charts.csv);
}
