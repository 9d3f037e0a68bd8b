#!/usr/bin/env node
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { loadCollectorConfig } from "../../collector/src/config/load-config.js";
import { serveFolder, type StaticServer } from "../../visualize/src/serve/static-server.js";
import { ManagedChild } from "./child-process.js";
import { writePlaceholder } from "./placeholder-page.js";

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = (part: string) => path.join(DIST, part, "src/main.js");

async function main(): Promise<void> {
  const args = await yargs(hideBin(process.argv))
    .scriptName("npm start --")
    .usage(
      "$0 [--port 8080]\n\nThe quick start: a local agent on 127.0.0.1, a collector polling it every 10 s into ./var/data,\n" +
        "and the dashboard redrawn every minute into ./var/dashboard and served on http://127.0.0.1:PORT/.\nCtrl-C stops everything.",
    )
    .option("port", {
      type: "number",
      default: 8080,
      describe: "port of the dashboard's web server (loopback only)",
    })
    .option("agent-config", { type: "string", default: "config/agent.local.json" })
    .option("collector-config", { type: "string", default: "config/collector.local.json" })
    .option("output-dir", { type: "string", default: "var/dashboard" })
    .option("every", { type: "number", default: 60, describe: "seconds between dashboard redraws" })
    .option("hours", { type: "number", default: 24, describe: "range of the dashboard" })
    .strict()
    .help()
    .parse();

  const collectorConfig = loadCollectorConfig(args["collector-config"]);
  const outputDir = path.resolve(args["output-dir"]);
  await writePlaceholder(outputDir);
  let server: StaticServer;
  try {
    server = await serveFolder(outputDir, "127.0.0.1", args.port);
  } catch (error) {
    throw new Error(
      `cannot serve the dashboard on 127.0.0.1:${args.port} (${(error as Error).message}); try --port`,
    );
  }

  const children: ManagedChild[] = [];
  let stopping = false;
  let redraw: ManagedChild | undefined;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write("stopping the dashboard, the collector and the agent...\n");
    await redraw?.stop(5_000);
    for (const child of [...children].reverse()) await child.stop();
    await server.close();
    process.exit(code);
  };
  process.on("SIGINT", () => void stopAll(0));
  process.on("SIGTERM", () => void stopAll(0));
  const watch = (child: ManagedChild) => {
    children.push(child);
    void child.exited.then((code) => {
      if (stopping) return;
      process.stderr.write(`${child.name} stopped unexpectedly (exit ${code}); stopping everything\n`);
      void stopAll(1);
    });
  };

  const agent = new ManagedChild("agent", bin("agent"), ["--config", args["agent-config"]]);
  watch(agent);
  await agent.waitFor(/listening on (\S+)/, 20_000);
  const collector = new ManagedChild("collector", process.execPath, [
    bin("collector"),
    "--config",
    args["collector-config"],
  ]);
  watch(collector);

  process.stdout.write(
    `\ndashboard: ${server.url}  (redrawn every ${args.every} s; Ctrl-C stops everything)\n\n`,
  );
  await firstSample(collectorConfig.paths.jsonFile, 60_000);
  for (;;) {
    if (stopping) return;
    redraw = new ManagedChild(
      "dashboard",
      process.execPath,
      [
        bin("visualize"),
        "--config",
        args["collector-config"],
        "--output-dir",
        outputDir,
        "--hours",
        String(args.hours),
      ],
      true,
    );
    const code = await redraw.exited;
    if (code !== 0 && !stopping)
      process.stderr.write(`dashboard redraw failed (exit ${code}); retrying in ${args.every} s\n`);
    await sleep(args.every * 1000);
  }
}

/** Waits until the collector has stored something, so the first dashboard is not empty. */
async function firstSample(jsonFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(jsonFile) && statSync(jsonFile).size > 0) return;
    await sleep(500);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`hostwatch quick start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
