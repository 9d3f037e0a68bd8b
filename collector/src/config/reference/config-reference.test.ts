import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as v from "valibot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseAgentConfig } from "../../../../agent/src/config/load-config.js";
import { releaseLevel, resolveRules } from "../../alerts/evaluator/rules.js";
import { METRICS } from "../../alerts/evaluator/types.js";
import { parseCollectorConfig } from "../load-config.js";
import { readBlock, replaceBlock } from "./readme-blocks.js";
import {
  CONFIG_NAMES,
  CONFIG_REFERENCES,
  prettierOptionsFor,
  referenceRows,
  renderConfigBlock,
  renderTable,
  type ConfigName,
} from "./render-markdown.js";
import { formatConfigValue, walkSchema, type ConfigKeyRow } from "./walk-schema.js";

const README = fileURLToPath(new URL("../../../../README.md", import.meta.url));

/** The value at a reference key (`a.b`, `list[].c` → the first item); `absent` when there is none. */
function valueAt(config: unknown, key: string): unknown {
  let current: unknown = config;
  for (const part of key.split(".")) {
    const name = part.endsWith("[]") ? part.slice(0, -2) : part;
    if (current === null || typeof current !== "object" || !(name in current)) return absent;
    current = (current as Record<string, unknown>)[name];
    if (part.endsWith("[]")) {
      if (!Array.isArray(current) || current.length === 0) return absent;
      current = current[0] as unknown;
    }
  }
  return current;
}
const absent = Symbol("absent");

/** The one relative path in a computed default's text, e.g. `./var/agent` → var/agent. */
function relativePathIn(text: string | undefined): string {
  const match = /`\.\/([^`]+)`/.exec(text ?? "");
  if (match?.[1] === undefined) throw new Error(`no ./path in ${text}`);
  return match[1];
}

const MINIMAL = {
  agent: {},
  collector: { agents: [{ name: "web-01", host: "192.0.2.10" }] },
} satisfies Record<ConfigName, object>;

function parse(name: ConfigName, input: unknown): unknown {
  return name === "agent" ? parseAgentConfig(input) : parseCollectorConfig(input);
}

describe("config reference", () => {
  const savedStateDirectory = process.env.STATE_DIRECTORY;
  beforeEach(() => {
    delete process.env.STATE_DIRECTORY;
  });
  afterEach(() => {
    if (savedStateDirectory === undefined) delete process.env.STATE_DIRECTORY;
    else process.env.STATE_DIRECTORY = savedStateDirectory;
  });

  describe.each(CONFIG_NAMES)("%s config", (name) => {
    const { docs } = CONFIG_REFERENCES[name];
    const rows = referenceRows(name);

    it("describes every key of the schema, and only those", () => {
      const keys = rows.map((row) => row.key);
      expect(new Set(keys).size, "a key listed twice").toBe(keys.length);
      expect(
        keys.filter((key) => docs[key] === undefined),
        "keys without a description in descriptions.ts",
      ).toEqual([]);
      expect(
        Object.keys(docs).filter((key) => !keys.includes(key)),
        "descriptions of keys the schema does not have",
      ).toEqual([]);
      for (const key of keys) expect(docs[key]?.meaning.trim(), key).not.toBe("");
    });

    it("has the README table between its markers, as generated", async () => {
      const readme = readFileSync(README, "utf8");
      const expected = await renderConfigBlock(name, await prettierOptionsFor(README));
      expect(
        readBlock(readme, name),
        `README ${name} config table is out of date: run npm run docs:config`,
      ).toBe(expected);
    });

    it("shows the schema's defaults as the parser fills them in", () => {
      const parsed = parse(name, MINIMAL[name]);
      const checked = rows.filter(
        (row) => row.default !== undefined && docs[row.key]?.computedDefault === undefined,
      );
      expect(checked.length).toBeGreaterThan(10);
      for (const row of checked) {
        const value = valueAt(parsed, row.key);
        if (value === absent) continue; // inside an empty list (alerts.webhooks[])
        expect(formatConfigValue(value), row.key).toBe(row.default);
      }
    });
  });

  describe("defaults computed in code", () => {
    const agentDocs = CONFIG_REFERENCES.agent.docs;
    const collectorDocs = CONFIG_REFERENCES.collector.docs;

    it("agent: name, state_dir, expected_ports", () => {
      const config = parseAgentConfig({});
      expect(config.name).toBe(hostname());
      expect(agentDocs.state_dir?.computedDefault).toContain("`$STATE_DIRECTORY`");
      expect(config.state_dir).toBe(path.resolve(relativePathIn(agentDocs.state_dir?.computedDefault)));
      process.env.STATE_DIRECTORY = "/var/lib/hostwatch-agent";
      expect(parseAgentConfig({}).state_dir).toBe("/var/lib/hostwatch-agent");
      expect(config.security.expected_ports).toBeUndefined();
    });

    it("collector: state_dir, storage.dir, spool_dir, log_file", () => {
      const config = parseCollectorConfig(MINIMAL.collector);
      expect(collectorDocs.state_dir?.computedDefault).toContain("`$STATE_DIRECTORY`");
      expect(config.state_dir).toBe(path.resolve(relativePathIn(collectorDocs.state_dir?.computedDefault)));
      process.env.STATE_DIRECTORY = "/var/lib/hostwatch-collector";
      expect(parseCollectorConfig(MINIMAL.collector).state_dir).toBe("/var/lib/hostwatch-collector");
      expect(config.paths.dir).toBe(
        path.resolve(relativePathIn(collectorDocs["storage.dir"]?.computedDefault)),
      );
      expect(collectorDocs["storage.spool_dir"]?.computedDefault).toMatch(
        /^`spool` in `state_dir` \(`spool-shardN`/,
      );
      expect(config.paths.spoolDir).toBe(path.join(config.state_dir, "spool"));
      const shard = parseCollectorConfig({ ...MINIMAL.collector, shard: { index: 1, count: 2 } });
      expect(shard.paths.spoolDir).toBe(path.join(shard.state_dir, "spool-shard1"));
      // main.ts logs to `log_file ?? (file storage ? paths.logFile : nothing)`
      expect(config.log_file).toBeNull();
      expect(collectorDocs.log_file?.computedDefault).toMatch(/^`storage.log_file` with file storage/);
      expect(config.paths.logFile).toBe(path.join(config.paths.dir, config.storage.log_file));
    });

    it("collector: thresholds", () => {
      const rules = resolveRules(parseCollectorConfig(MINIMAL.collector).thresholds);
      for (const metric of METRICS) {
        const text = collectorDocs[`thresholds.${metric}`]?.computedDefault;
        const rule = rules[metric];
        const hysteresis = rule === undefined ? 0 : rule.warning! - releaseLevel(rule, rule.warning!);
        expect(text, metric).toBe(
          rule === undefined
            ? "none (off); when set, `for: 3`, hysteresis 5 % of the level"
            : `\`${rule.warning}\`, \`for: ${rule.for}\`, \`hysteresis: ${Math.round(hysteresis * 1000) / 1000}\``,
        );
      }
    });
  });
});

describe("walkSchema", () => {
  const tiny = v.pipe(
    v.strictObject({
      port: v.optional(v.pipe(v.number(), v.integer()), 8000),
      name: v.pipe(v.string(), v.minLength(1)),
      log_file: v.optional(v.nullable(v.string()), null),
      level: v.optional(v.picklist(["debug", "info"]), "info"),
      size: v.optional(v.union([v.string(), v.number()]), () => "10MB"),
      section: v.optional(v.strictObject({ on: v.optional(v.boolean(), true), mode: v.string() }), {
        mode: "fast",
      }),
      mail: v.optional(v.strictObject({ host: v.string(), to: v.optional(v.array(v.string()), []) })),
      hosts: v.array(v.strictObject({ name: v.string(), tags: v.optional(v.array(v.string())) })),
      headers: v.optional(v.record(v.string(), v.string())),
      limit: v.nullish(v.number()),
      rules: v.optional(v.strictObject({ cpu: v.optional(v.number()) })),
    }),
    v.check(() => true),
  );

  it("lists keys with types, defaults and whether they are required", () => {
    const row = (key: string, type: string, def: string | undefined, required = false): ConfigKeyRow => ({
      key,
      type,
      default: def,
      required,
    });
    expect(walkSchema(tiny, { opaque: ["rules"] })).toEqual([
      row("port", "integer", "8000"),
      row("name", "string", undefined, true),
      row("log_file", "string | null", "null"),
      row("level", '"debug" | "info"', "info"),
      row("size", "string | number", "10MB"),
      row("section.on", "boolean", "true"),
      row("section.mode", "string", "fast", true),
      row("mail", "{host, to}", undefined),
      row("mail.host", "string", undefined, true),
      row("mail.to", "string[]", "[]"),
      row("hosts", "{name, tags}[]", undefined, true),
      row("hosts[].name", "string", undefined, true),
      row("hosts[].tags", "string[]", undefined),
      row("headers", "Record<string, string>", undefined),
      row("limit", "number | null", undefined),
      row("rules", "{cpu}", undefined),
    ]);
  });

  it("formats defaults as config text", () => {
    expect(formatConfigValue("0.0.0.0")).toBe("0.0.0.0");
    expect(formatConfigValue("")).toBe('""');
    expect(formatConfigValue(["127.0.0.1", "::1"])).toBe('["127.0.0.1", "::1"]');
    expect(formatConfigValue({ index: 0, count: 1 })).toBe('{"index": 0, "count": 1}');
    expect(formatConfigValue(null)).toBe("null");
  });

  it("refuses a schema that is not an object", () => {
    expect(() => walkSchema(v.string())).toThrow(/object schema/);
  });
});

describe("rendering", () => {
  it("escapes pipes and refuses an undocumented key", () => {
    const rows: ConfigKeyRow[] = [{ key: "a", type: "string", default: "x|y", required: false }];
    expect(renderTable(rows, { a: { meaning: "one | two" } })).toContain("| `x\\|y` | one \\| two |");
    expect(() => renderTable(rows, {})).toThrow(/a has no description/);
  });

  it("replaces only the marked block and fails loudly without markers", () => {
    const readme = "# t\n\n<!-- config:agent:start -->\nold\n<!-- config:agent:end -->\n\nrest\n";
    const updated = replaceBlock(readme, "agent", "new");
    expect(updated).toBe("# t\n\n<!-- config:agent:start -->\n\nnew\n\n<!-- config:agent:end -->\n\nrest\n");
    expect(readBlock(updated, "agent")).toBe("new");
    expect(() => readBlock(readme, "collector")).toThrow(/config:collector:start/);
    expect(() => replaceBlock(`${readme}<!-- config:agent:end -->`, "agent", "x")).toThrow(/exactly once/);
  });
});
