import type { Knex } from "knex";
import { agentInserts } from "./statements.js";

/** The agents table's ids by name, as this process has seen them; agents are created on first sight. */
export class AgentIds {
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly timeoutMs: number,
    private readonly chunkRows: number,
  ) {}

  get(name: string): number | undefined {
    return this.ids.get(name);
  }

  clear(): void {
    this.ids.clear();
  }

  /**
   * Fills the name → id cache for these agents, creating the missing ones (INSERT IGNORE of the
   * names not found, so AUTO_INCREMENT values are used only for new agents).
   */
  async resolve(db: Knex, agents: ReadonlyMap<string, { firstTs: string }>): Promise<void> {
    const missing = [...agents.keys()].filter((name) => !this.ids.has(name));
    if (missing.length === 0) return;
    await this.lookup(db, missing);
    const absent = missing.filter((name) => !this.ids.has(name));
    if (absent.length > 0) {
      const rows = absent.map((name) => ({ name, firstTs: agents.get(name)?.firstTs ?? "" }));
      for (const sql of agentInserts(rows, this.chunkRows)) await db.raw(sql).timeout(this.timeoutMs);
      await this.lookup(db, absent);
    }
    const unresolved = missing.filter((name) => !this.ids.has(name));
    if (unresolved.length > 0)
      throw new Error(`MySQL: agents not found after insert: ${unresolved.join(", ")}`);
  }

  private async lookup(db: Knex, names: readonly string[]): Promise<void> {
    for (let i = 0; i < names.length; i += 1000) {
      const rows = (await db("agents")
        .select("id", "name")
        .whereIn("name", names.slice(i, i + 1000))
        .timeout(this.timeoutMs)) as Array<{ id: number; name: string }>;
      for (const row of rows) this.ids.set(row.name, Number(row.id));
    }
  }
}
