import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { PLOTS, type PlotKind } from "../model.js";

export interface VisualizeArgs {
  config: string;
  /** Whether --config was given (a missing default config is not an error). */
  configGiven: boolean;
  storage: "file" | "mysql" | undefined;
  plots: PlotKind[];
  hours: number;
  /** End of the range, epoch ms (default: now). */
  until: number;
  agent: string | undefined;
  outputDir: string;
  width: number;
  height: number;
  pixelRatio: number;
  force: boolean;
  quiet: boolean;
}

const MAX_HOURS = 24 * 400;

/** Parses and checks the command line; yargs prints the problem and exits 1 on a bad one. */
export async function parseArgs(argv = hideBin(process.argv)): Promise<VisualizeArgs> {
  const parsed = await yargs(argv)
    .scriptName("hostwatch-visualize")
    .usage(
      "$0 --output-dir DIR [--plot all|cpu,memory,...] [--hours 24] [--agent NAME] [--config FILE] [--storage file|mysql]\n\n" +
        "Reads the collector's stored history and writes PNG charts, CSV files and a static HTML dashboard\n" +
        "(index.html, one page per agent, alerts.html) that any web server can serve.",
    )
    .option("config", {
      alias: "c",
      type: "string",
      default: "config/collector.json",
      describe: "collector config: where the history is stored, agents and thresholds",
    })
    .option("storage", {
      type: "string",
      choices: ["file", "mysql"],
      describe: "read this store instead of the config's storage.type",
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
      demandOption: true,
      describe: "folder to write into",
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
    configGiven: argv.some((arg) => arg === "--config" || arg === "-c" || arg.startsWith("--config=")),
    storage: parsed.storage as "file" | "mysql" | undefined,
    plots: parsePlots(parsed.plot),
    hours: parsed.hours,
    until: parsed.until === undefined ? Date.now() : Date.parse(parsed.until),
    agent: parsed.agent,
    outputDir: parsed["output-dir"],
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
