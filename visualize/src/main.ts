#!/usr/bin/env node
import path from "node:path";
import { ConfigError } from "../../common/src/config/config-error.js";
import { exitOnError } from "../../common/src/process-lifecycle.js";
import { parseArgs } from "./cli/parse-args.js";
import { generateDashboard } from "./run/generate-dashboard.js";
import { historySource, type HistorySource } from "./run/history-source.js";
import { Progress } from "./run/progress.js";

const EXIT_CONFIG = 2;

async function main(): Promise<void> {
  const args = await parseArgs();
  let source: HistorySource;
  try {
    source = historySource(args.config, args.configGiven, args.storage);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`hostwatch-visualize: ${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
  const progress = new Progress(args.quiet ? undefined : process.stderr);
  if (source.config === undefined)
    progress.line(`no ${args.config}: reading the default file store in ${source.where}`);
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
