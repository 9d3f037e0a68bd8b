import { tmpdir } from "node:os";
import path from "node:path";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { failWithProblems } from "../../../common/src/config/cli-flags.js";
import { PLOTS, type PlotKind } from "../model.js";

export interface VisualizeArgs {
  /** --config; undefined: the collector's config is looked for where the collector looks. */
  config: string | undefined;
  storage: "file" | "mysql" | undefined;
  plots: PlotKind[];
  hours: number;
  /** End of the range, epoch ms (default: now). */
  until: number;
  agent: string | undefined;
  outputDir: string;
  /** Whether --output-dir was given (the default folder is checked to be the user's own). */
  outputDirGiven: boolean;
  width: number;
  height: number;
  pixelRatio: number;
  force: boolean;
  quiet: boolean;
}

const MAX_HOURS = 24 * 400;

/**
 * Where the dashboard goes without --output-dir: `$TMPDIR/dashboard`, /tmp/dashboard as with the
 * Python system's visualize_metrics.py, so its commands (`--plot all --hours 24`) work as they
 * are and write where its users look. /tmp is shared, so main checks that the folder is ours.
 */
function defaultOutputDir(): string {
  return path.join(tmpdir(), "dashboard");
}

/** Parses and checks the command line; a bad one is named (every unknown option) and exits 2. */
export async function parseArgs(argv = hideBin(process.argv)): Promise<VisualizeArgs> {
  const parsed = await failWithProblems(yargs(argv), "hostwatch-visualize", argv)
    .scriptName("hostwatch-visualize")
    .usage(
      "$0 [--output-dir DIR] [--plot all|cpu,memory,...] [--hours 24] [--agent NAME] [--config FILE] [--storage file|mysql]\n\n" +
        "Reads the collector's stored history and writes PNG charts, CSV files and a static HTML dashboard\n" +
        "(index.html, one page per agent, alerts.html) that any web server can serve.",
    )
    .option("config", {
      alias: "c",
      type: "string",
      describe:
        "collector config: where the history is stored, agents and thresholds. Default: found as the collector finds it ($HOSTWATCH_CONFIG, ./config/collector.json, /etc/hostwatch/collector.json, config/collector_config.json, /etc/monitor/collector_config.json)",
    })
    .option("storage", {
      type: "string",
      choices: ["file", "mysql"],
      describe:
        "read this store instead of the config's storage.type; without a config, --storage file reads the collector's default file store, ./var/data",
    })
    .option("plot", {
      type: "string",
      array: true,
      default: ["all"],
      describe: `charts to draw: all, or any of ${PLOTS.join(", ")} (comma-separated or repeated)`,
    })
    .option("hours", {
      type: "number",
      default: 24,
      describe: "length of the range, ending now (or --until)",
    })
    .option("until", { type: "string", describe: "end of the range, ISO 8601 (default: now)" })
    .option("agent", { type: "string", describe: "only this agent" })
    .option("output-dir", {
      alias: "o",
      type: "string",
      describe: `folder to write into (default: ${defaultOutputDir()}, as the Python system's dashboard)`,
    })
    .option("width", { type: "number", default: 800, describe: "chart width, CSS pixels" })
    .option("height", { type: "number", default: 300, describe: "chart height, CSS pixels" })
    .option("pixel-ratio", { type: "number", default: 2, describe: "PNG pixels per CSS pixel (1 or 2)" })
    .option("force", {
      type: "boolean",
      default: false,
      describe: "redraw every agent, even without new samples",
    })
    .option("quiet", { alias: "q", type: "boolean", default: false, describe: "no progress on stderr" })
    .check((a) => {
      const hours = a.hours;
      if (!(Number.isFinite(hours) && hours > 0 && hours <= MAX_HOURS))
        throw new Error(`--hours: must be a number above 0 and at most ${MAX_HOURS}`);
      if (a.until !== undefined && Number.isNaN(Date.parse(a.until)))
        throw new Error(`--until: "${a.until}" is not an ISO 8601 time`);
      if (!(Number.isInteger(a.width) && a.width >= 200 && a.width <= 4000))
        throw new Error("--width: must be a whole number from 200 to 4000");
      if (!(Number.isInteger(a.height) && a.height >= 100 && a.height <= 2000))
        throw new Error("--height: must be a whole number from 100 to 2000");
      if (!(a["pixel-ratio"] >= 1 && a["pixel-ratio"] <= 3))
        throw new Error("--pixel-ratio: must be from 1 to 3");
      parsePlots(a.plot);
      return true;
    })
    .strict()
    .help()
    .version()
    .parse();
  return {
    config: parsed.config,
    storage: parsed.storage as "file" | "mysql" | undefined,
    plots: parsePlots(parsed.plot),
    hours: parsed.hours,
    until: parsed.until === undefined ? Date.now() : Date.parse(parsed.until),
    agent: parsed.agent,
    outputDir: parsed["output-dir"] ?? defaultOutputDir(),
    outputDirGiven: parsed["output-dir"] !== undefined,
    width: parsed.width,
    height: parsed.height,
    pixelRatio: parsed["pixel-ratio"],
    force: parsed.force,
    quiet: parsed.quiet,
  };
}

/** "all", or plot names separated by commas and/or given several times; unknown names throw. */
export function parsePlots(values: ReadonlyArray<string | number>): PlotKind[] {
  const names = values.flatMap((value) => String(value).split(",")).map((name) => name.trim().toLowerCase());
  if (names.includes("all")) return [...PLOTS];
  const unknown = names.filter((name) => name !== "" && !(PLOTS as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(
      `--plot: unknown plot ${unknown.map((n) => `"${n}"`).join(", ")}; use all or ${PLOTS.join(", ")}`,
    );
  const chosen = PLOTS.filter((plot) => names.includes(plot));
  if (chosen.length === 0) throw new Error("--plot: name at least one plot");
  return chosen;
}
