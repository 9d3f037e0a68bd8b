import type { Knex } from "knex";
import type { AgentRow } from "./rebuild-snapshot.js";

/**
 * The agents table as a reader needs it: names for ids, ids for names, and each agent's
 * descriptive columns (a rebuilt snapshot's agent family). Loaded whole, again when a row names
 * an id it does not know (an agent added since).
 */
export class AgentDirectory {
  private agents = new Map<number, AgentRow>();

  constructor(private readonly timeoutMs: number) {}

  /** Loads the table when one of the ids is new. */
  async know(db: Knex, ids: readonly number[]): Promise<void> {
    if (ids.every((id) => this.agents.has(id))) return;
    await this.load(db);
  }

  /** The ids of the named agents, ascending (agents not in the table left out). */
  async idsOf(db: Knex, names: ReadonlySet<string>): Promise<number[]> {
    await this.load(db);
    const ids: number[] = [];
    for (const [id, agent] of this.agents) if (names.has(agent.name)) ids.push(id);
    return ids.sort((a, b) => a - b);
  }

  /** Every agent's id by its name, freshly loaded. */
  async idsByName(db: Knex): Promise<Map<string, number>> {
    await this.load(db);
    return new Map([...this.agents].map(([id, agent]) => [agent.name, id]));
  }

  async load(db: Knex): Promise<void> {
    const all = (await db("agents")
      .select("id", "name", "hostname", "os", "kernel", "arch", "platform", "agent_version")
      .timeout(this.timeoutMs)) as AgentRow[];
    this.agents = new Map(all.map((agent) => [Number(agent.id), agent]));
  }

  name(id: number): string {
    return this.agents.get(id)?.name ?? `agent#${id}`;
  }

  row(id: number): AgentRow | undefined {
    return this.agents.get(id);
  }
}
