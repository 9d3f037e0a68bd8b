import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { AgentHealth } from "./agent-state.js";

/**
 * Up/down state of every agent kept across restarts (and across `--once` runs from cron), so
 * that an agent down before a restart is not announced down again, nor forgotten.
 */
export class AgentStateFile {
  constructor(private readonly file: string) {}

  load(): Map<string, Partial<AgentHealth>> {
    try {
      const parsed = JSON.parse(readFileSync(this.file, "utf8")) as {
        version?: number;
        agents?: AgentHealth[];
      };
      if (parsed.version !== 1 || !Array.isArray(parsed.agents)) return new Map();
      return new Map(parsed.agents.map((agent) => [agent.name, agent]));
    } catch {
      return new Map();
    }
  }

  save(agents: ReadonlyArray<AgentHealth>): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify({ version: 1, agents }));
    renameSync(temp, this.file);
  }
}
