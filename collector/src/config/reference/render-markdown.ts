import type * as v from "valibot";
import * as prettier from "prettier";
import { agentConfigSchema } from "../../../../agent/src/config/schema.js";
import { collectorConfigSchema } from "../schema.js";
import { AGENT_KEY_DOCS, COLLECTOR_KEY_DOCS, type KeyDoc, type KeyDocs } from "./descriptions.js";
import { walkSchema, type ConfigKeyRow } from "./walk-schema.js";

export type ConfigName = "agent" | "collector";

export interface ConfigReference {
  schema: v.GenericSchema;
  docs: KeyDocs;
  /** Keys listed as one row (their content is described elsewhere). */
  opaque: readonly string[];
}

export const CONFIG_REFERENCES: Readonly<Record<ConfigName, ConfigReference>> = {
  agent: { schema: agentConfigSchema, docs: AGENT_KEY_DOCS, opaque: [] },
  // the same keys as the global `thresholds`, which are listed one by one
  collector: { schema: collectorConfigSchema, docs: COLLECTOR_KEY_DOCS, opaque: ["agents[].thresholds"] },
};

export const CONFIG_NAMES = Object.keys(CONFIG_REFERENCES) as ConfigName[];

/** Every key of one config, as its schema defines it. */
export function referenceRows(name: ConfigName): ConfigKeyRow[] {
  const { schema, opaque } = CONFIG_REFERENCES[name];
  return walkSchema(schema, { opaque });
}

/** The default column: computed in code, the schema's, "required", or "—" (unset). */
export function defaultText(row: ConfigKeyRow, doc: KeyDoc | undefined): string {
  if (doc?.computedDefault !== undefined) return doc.computedDefault;
  if (row.default !== undefined) return code(row.default);
  return row.required ? "required" : "—";
}

/** The table as markdown, not yet laid out; throws for a key without a description. */
export function renderTable(rows: readonly ConfigKeyRow[], docs: KeyDocs): string {
  const lines = ["| key | default | meaning |", "| --- | --- | --- |"];
  for (const row of rows) {
    const doc = docs[row.key];
    if (doc === undefined) throw new Error(`config key ${row.key} has no description (descriptions.ts)`);
    lines.push(`| ${[code(row.key), defaultText(row, doc), doc.meaning].map(cell).join(" | ")} |`);
  }
  return `${lines.join("\n")}\n`;
}

/** The table of one config, laid out exactly as prettier leaves it (no trailing newline). */
export async function renderConfigBlock(name: ConfigName, options: prettier.Options = {}): Promise<string> {
  const { docs } = CONFIG_REFERENCES[name];
  const text = await prettier.format(renderTable(referenceRows(name), docs), {
    ...options,
    parser: "markdown",
  });
  return text.trimEnd();
}

/** Prettier's options for a file (from .prettierrc.json), so that `prettier --check` agrees. */
export async function prettierOptionsFor(file: string): Promise<prettier.Options> {
  return { ...(await prettier.resolveConfig(file)), parser: "markdown" };
}

function code(text: string): string {
  return text.includes("`") ? `\`\` ${text} \`\`` : `\`${text}\``;
}

function cell(text: string): string {
  if (/[\r\n]/.test(text)) throw new Error(`a table cell must be one line: ${text}`);
  return text.replaceAll("|", "\\|");
}
