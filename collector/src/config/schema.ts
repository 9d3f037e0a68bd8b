import * as v from "valibot";
import { closedObject } from "../../../common/src/config/closed-object.js";
import { logLevelSchema } from "../../../common/src/config/log-level.js";
import { DEFAULT_MAX_LIST_ITEMS } from "../../../common/src/contract/bound-list.js";
import { parseDuration, parseSize } from "./units.js";

const text = v.pipe(v.string(), v.minLength(1, "must not be empty"));
const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  v.pipe(v.number(), v.integer("must be a whole number"), v.minValue(min), v.maxValue(max));
const positive = v.pipe(v.number(), v.gtValue(0));
const size = v.pipe(
  v.union([v.string(), v.number()], "a size like 10MB, 500KB or a number of bytes"),
  v.check((value) => parseSize(value) !== undefined, "a size like 10MB, 500KB or a number of bytes"),
  v.transform((value) => parseSize(value) ?? 0),
);
const duration = v.pipe(
  v.union([v.string(), v.number()], "a duration like 30s, 5m, 4h or a number of seconds"),
  v.check(
    (value) => parseDuration(value) !== undefined,
    "a duration like 30s, 5m, 4h or a number of seconds",
  ),
  v.transform((value) => parseDuration(value) ?? 0),
);
const emails = v.union([text, v.array(text)], "an e-mail address or a list of them");

/**
 * A threshold is a warning level, or the long form with critical level, `for` and hysteresis;
 * null switches the metric off (e.g. per agent).
 */
const threshold = v.union(
  [
    v.number(),
    v.null(),
    v.pipe(
      closedObject({
        warning: v.optional(v.number()),
        critical: v.optional(v.number()),
        for: v.optional(int(1)),
        hysteresis: v.optional(v.pipe(v.number(), v.minValue(0))),
        per_core: v.optional(v.boolean()),
      }),
      v.check(
        (t) => t.warning !== undefined || t.critical !== undefined,
        "a threshold needs a warning or a critical level",
      ),
      v.check(
        (t) => t.warning === undefined || t.critical === undefined || t.critical >= t.warning,
        "critical must not be below warning",
      ),
    ),
  ],
  "a number (the warning level), null (off) or {warning, critical, for, hysteresis, per_core}",
);

const thresholdEntries = {
  cpu_usage: v.optional(threshold),
  cpu_temperature: v.optional(threshold),
  system_load: v.optional(threshold),
  memory_usage: v.optional(threshold),
  disk_usage: v.optional(threshold),
  swap_usage: v.optional(threshold),
  security_issues: v.optional(threshold),
};

/** One agent to poll: an entry of `agents`, or of a file that `agents_files` matches. */
export const agentSchema = closedObject({
  // 255: the agents.name column of the MySQL store, which could not store a longer name's samples
  name: v.pipe(
    text,
    v.regex(/^[\w.@:-]+$/, "letters, digits and . _ - @ : only"),
    v.maxLength(255, "at most 255 characters"),
  ),
  host: text,
  port: v.optional(int(1, 65535), 8000),
  tls: v.optional(v.boolean(), false),
  ca_file: v.optional(text),
  token: v.optional(v.pipe(v.string(), v.minLength(16, "a token needs at least 16 characters"))),
  token_file: v.optional(text),
  thresholds: v.optional(closedObject(thresholdEntries)),
  email: v.optional(emails),
});

export const collectorConfigSchema = v.pipe(
  closedObject({
    agents: v.optional(v.array(agentSchema), []),
    // files of agents (one object or a list each) merged with `agents`, re-read on SIGHUP and when they change
    agents_files: v.optional(v.array(text), []),
    poll_interval: v.optional(v.pipe(positive, v.maxValue(86_400)), 30),
    timeout: v.optional(v.pipe(positive, v.maxValue(600)), 10),
    max_workers: v.optional(int(1, 10_000), 64),
    max_response_bytes: v.optional(size, 4 * 1024 * 1024),
    max_list_items: v.optional(int(1, 100_000), DEFAULT_MAX_LIST_ITEMS),
    health_interval: v.optional(v.pipe(positive, v.maxValue(86_400)), 60),
    state_dir: v.optional(text),
    log_level: v.optional(logLevelSchema, "info"),
    log_file: v.optional(v.nullable(text), null),
    shard: v.optional(
      v.pipe(
        closedObject({ index: int(0), count: int(1) }),
        v.check((s) => s.index < s.count, "shard.index must be below shard.count"),
      ),
      { index: 0, count: 1 },
    ),
    storage: v.optional(
      closedObject({
        type: v.optional(v.picklist(["file", "mysql"], 'must be "file" or "mysql"'), "file"),
        dir: v.optional(text),
        log_file: v.optional(text, "collector.log"),
        metrics_file: v.optional(text, "metrics_data.log"),
        json_file: v.optional(text, "metrics_data.jsonl"),
        figures_file: v.optional(text, "metrics_figures.jsonl"),
        events_file: v.optional(text, "poll_events.jsonl"),
        alerts_file: v.optional(text, "alerts.jsonl"),
        rotation: v.optional(
          closedObject({
            max_size: v.optional(size, 10 * 1024 * 1024),
            backup_count: v.optional(int(0, 1000), 5),
          }),
          {},
        ),
        mysql_host: v.optional(text, "127.0.0.1"),
        mysql_port: v.optional(int(1, 65535), 3306),
        mysql_user: v.optional(text, "hostwatch"),
        mysql_password: v.optional(v.string(), ""),
        mysql_database: v.optional(v.pipe(text, v.regex(/^\w+$/, "letters, digits and _ only")), "hostwatch"),
        retention_days: v.optional(int(0), 30),
        spool_dir: v.optional(text),
        dead_letter_file: v.optional(text),
        write_timeout: v.optional(v.pipe(duration, v.minValue(0.5), v.maxValue(60)), 5),
        probe_interval: v.optional(v.pipe(duration, v.minValue(0.5), v.maxValue(60)), 2),
      }),
      {},
    ),
    thresholds: v.optional(closedObject(thresholdEntries), {}),
    alerts: v.optional(
      closedObject({
        down_after: v.optional(int(1), 3),
        repeat_interval: v.optional(duration, 4 * 3600),
        email: v.optional(
          closedObject({
            host: text,
            port: v.optional(int(1, 65535), 25),
            secure: v.optional(v.boolean(), false),
            user: v.optional(text),
            password: v.optional(v.string()),
            from: text,
            to: v.optional(v.array(text), []),
          }),
        ),
        webhooks: v.optional(
          v.array(
            closedObject({
              url: v.pipe(text, v.url("must be a URL")),
              headers: v.optional(v.record(v.string(), v.string())),
            }),
          ),
          [],
        ),
      }),
      {},
    ),
  }),
  // a rawCheck: it runs even when other keys have problems, and names each duplicate
  v.rawCheck(({ dataset, addIssue }) => {
    const agents = (dataset.value as { agents?: unknown }).agents;
    if (!Array.isArray(agents)) return;
    const first = new Map<string, number>();
    agents.forEach((agent: unknown, index) => {
      const name = (agent as { name?: unknown } | null)?.name;
      if (typeof name !== "string") return;
      const earlier = first.get(name);
      if (earlier === undefined) first.set(name, index);
      else
        addIssue({
          message: `${JSON.stringify(name)} is already used by agents[${earlier}]`,
          input: name,
          path: [
            {
              type: "object",
              origin: "value",
              input: dataset.value as Record<string, unknown>,
              key: "agents",
              value: agents,
            },
            { type: "array", origin: "value", input: agents, key: index, value: agent },
            {
              type: "object",
              origin: "value",
              input: agent as Record<string, unknown>,
              key: "name",
              value: name,
            },
          ],
        });
    });
  }),
  v.forward(
    v.check(
      ({ agents, agents_files }) => agents.length > 0 || agents_files.length > 0,
      "list at least one agent",
    ),
    ["agents"],
  ),
);

export type ParsedCollectorConfig = v.InferOutput<typeof collectorConfigSchema>;
export type AgentTarget = ParsedCollectorConfig["agents"][number];
export type ThresholdSetting = v.InferOutput<typeof threshold>;
