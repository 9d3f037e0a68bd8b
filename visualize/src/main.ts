#!/usr/bin/env node
import path from "node:path";
import { ConfigError } from "../../common/src/config/config-error.js";
import { EXIT_CONFIG } from "../../common/src/config/cli-flags.js";
import { describeLoaded, describeLooked, findConfig } from "../../common/src/config/find-config.js";
import { setProcessTitle } from "../../common/src/config/process-title.js";
import { checkDefaultOutputDir } from "./cli/output-dir.js";
import { exitOnError } from "../../common/src/process-lifecycle.js";
import { parseArgs } from "./cli/parse-args.js";
import { generateDashboard } from "./run/generate-dashboard.js";
import { historySource, type HistorySource } from "./run/history-source.js";
import { Progress } from "./run/progress.js";

async function main(): Promise<void> {
  const args = await parseArgs();
  const found = findConfig("collector", { explicit: args.config });
  setProcessTitle("hostwatch-visualize", found.file);
  let source: HistorySource;
  try {
    source = historySource(found, args.storage);
    if (!args.outputDirGiven) checkDefaultOutputDir(args.outputDir);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`hostwatch-visualize: ${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
  const progress = new Progress(args.quiet ? undefined : process.stderr);
  // said even with --quiet: which history a dashboard shows must never be a guess
  if (source.config === undefined)
    process.stderr.write(
      `hostwatch-visualize: no collector config (${describeLooked(found.looked)}): reading the collector's default file store in ${source.where}\n`,
    );
  else progress.line(describeLoaded(found));
  if (!args.outputDirGiven)
    progress.line(`writing to ${args.outputDir} (the default; --output-dir DIR to choose)`);
  const started = performance.now();
  const result = await generateDashboard({
    source,
    outputDir: path.resolve(args.outputDir),
    plots: args.plots,
    from: args.until - args.hours * 3_600_000,
    to: args.until,
    agent: args.agent,
    width: args.width,
    height: args.height,
    pixelRatio: args.pixelRatio,
    force: args.force,
    progress,
  });
  const phases = Object.entries(result.times)
    .map(([phase, ms]) => `${phase} ${(ms / 1000).toFixed(1)} s`)
    .join(", ");
  progress.line(
    `wrote ${path.join(args.outputDir, "index.html")}: ${result.agents} agents (${result.drawn} drawn), ` +
      `${result.samples.toLocaleString("en")} samples in ${((performance.now() - started) / 1000).toFixed(1)} s (${phases})`,
  );
  if (args.agent !== undefined && result.agents === 0) {
    process.stderr.write(
      `hostwatch-visualize: no agent named "${args.agent}" in the config or the history\n`,
    );
    process.exit(1);
  }
}

main().catch(exitOnError("hostwatch-visualize"));
