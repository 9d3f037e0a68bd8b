import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SAMPLE_SCALARS } from "./columns.js";
import { renderColumnsDoc, withColumnsDoc } from "./columns-doc.js";

const README = new URL("../../../db/README.md", import.meta.url);

describe("the samples columns table of db/README.md", () => {
  it("is what the column catalog renders", () => {
    const committed = readFileSync(README, "utf8");
    expect(committed, "run `npm run db:schema` and commit db/README.md").toBe(withColumnsDoc(committed));
  });

  it("lists every catalog column once, with its type and interval aggregate", () => {
    const table = renderColumnsDoc();
    for (const column of SAMPLE_SCALARS)
      expect(
        table.split("\n").filter((line) => line.startsWith(`| \`${column.name}\` | ${column.sql} |`)),
      ).toHaveLength(1);
    expect(table).toContain(
      "| `memory_cached_bytes` | BIGINT UNSIGNED | bytes | `memory.cached_bytes` | AVG | yes |",
    );
  });
});
