import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The programs with a config file of their own; the visualizer reads the collector's. */
export type ConfigProgram = "agent" | "collector";

/** One place a config may be, in the order they are tried. */
export interface ConfigPlace {
  file: string;
  /** Why it is looked at, for messages: `--config`, `$HOSTWATCH_CONFIG`, `default`, `Python system's name`. */
  via: string;
}

export type FoundConfig =
  | { file: string; via: string; looked: ConfigPlace[] }
  | { file: undefined; via: undefined; looked: ConfigPlace[] };

export interface FindConfigOptions {
  /** `--config`, when given: it is the one, found or not (a missing file is then an error). */
  explicit?: string | undefined;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * The places a program's config is looked for, in order. `--config` and `$HOSTWATCH_CONFIG` are
 * a choice: when one is set, it is the only place. Otherwise ./config/<program>.json, then
 * /etc/hostwatch/<program>.json, then the Python system's names (config/<program>_config.json,
 * /etc/monitor/<program>_config.json), so its users switch without moving a file. The system
 * folders are under `$HOSTWATCH_CONFIG_ROOT` (default `/`), which lets tests stand in for /etc.
 */
export function configPlaces(program: ConfigProgram, options: FindConfigOptions = {}): ConfigPlace[] {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  if (options.explicit !== undefined) return [{ file: path.resolve(cwd, options.explicit), via: "--config" }];
  const fromEnv = env.HOSTWATCH_CONFIG;
  if (fromEnv !== undefined && fromEnv !== "")
    return [{ file: path.resolve(cwd, fromEnv), via: "$HOSTWATCH_CONFIG" }];
  const root = path.resolve(cwd, env.HOSTWATCH_CONFIG_ROOT ?? "/");
  return [
    { file: path.join(cwd, "config", `${program}.json`), via: "default" },
    { file: path.join(root, "etc/hostwatch", `${program}.json`), via: "default" },
    { file: path.join(cwd, "config", `${program}_config.json`), via: "Python system's name" },
    { file: path.join(root, "etc/monitor", `${program}_config.json`), via: "Python system's name" },
  ];
}

/** Places the user named: the only place looked at, so a missing file is an error, not a fallback. */
const CHOSEN = new Set(["--config", "$HOSTWATCH_CONFIG"]);

/** The first place that exists; `--config` or `$HOSTWATCH_CONFIG` is returned whether it exists or not. */
export function findConfig(program: ConfigProgram, options: FindConfigOptions = {}): FoundConfig {
  const looked = configPlaces(program, options);
  const [first] = looked;
  if (first !== undefined && CHOSEN.has(first.via)) return { file: first.file, via: first.via, looked };
  const found = looked.find((place) => existsSync(place.file));
  return found === undefined
    ? { file: undefined, via: undefined, looked }
    : { file: found.file, via: found.via, looked };
}

/** `looked in ./config/collector.json, /etc/hostwatch/collector.json, ...` for messages. */
export function describeLooked(looked: ReadonlyArray<ConfigPlace>): string {
  return `looked in ${looked.map((place) => place.file).join(", ")}`;
}

/** `loaded config /etc/hostwatch/agent.json`, with `(from $HOSTWATCH_CONFIG)` when not a default place. */
export function describeLoaded(found: Pick<FoundConfig, "file" | "via">): string {
  return `loaded config ${found.file}${found.via === "default" ? "" : ` (from ${found.via})`}`;
}

/**
 * The example config shipped with hostwatch (config/<program>.example.json of the installed
 * package, e.g. /opt/hostwatch/config/collector.example.json), found upwards from this file so
 * that a message names it wherever the program runs from; its relative name when not found.
 */
export function exampleConfig(program: ConfigProgram): string {
  const relative = path.join("config", `${program}.example.json`);
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, relative))) return path.join(dir, relative);
    dir = path.dirname(dir);
  }
  return relative;
}
