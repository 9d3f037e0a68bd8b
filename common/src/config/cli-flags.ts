import type { Argv } from "yargs";
import { suggestion } from "./closed-object.js";

/** Exit code of a config or command-line problem, for all three programs. */
export const EXIT_CONFIG = 2;

/**
 * Makes a yargs parser report a bad command line as the config is reported: every unknown
 * option named, with a "did you mean" for a near miss (yargs suggests commands only, not
 * options), then exit 2. yargs' own message ("Unknown arguments: prot, check-confg, checkConfg")
 * lists camelCase twins and no suggestion, so the raw arguments are checked against the options.
 */
export function failWithProblems<T>(parser: Argv<T>, program: string, rawArgs: readonly string[]): Argv<T> {
  return parser.fail((message, error) => {
    const text = error?.message ?? message ?? "bad command line";
    const unknown = text.startsWith("Unknown argument") ? unknownFlags(rawArgs, knownFlags(parser)) : [];
    const problems = unknown.length > 0 ? unknown : [text];
    process.stderr.write(`${program}: ${problems.join("\n  ")}\n${program} --help lists every option\n`);
    process.exit(EXIT_CONFIG);
  });
}

/** yargs' own record of its options; getOptions() is on every parser, though @types/yargs omits it. */
interface ParserOptions {
  getOptions(): { key: Record<string, unknown>; alias: Record<string, string[]> };
}

function knownFlags(parser: Argv<unknown>): string[] {
  const options = (parser as unknown as ParserOptions).getOptions();
  return [...Object.keys(options.key), ...Object.values(options.alias).flat()];
}

/** `--prot: unknown option (did you mean --port?)` for each flag of `args` that is not known. */
export function unknownFlags(args: readonly string[], known: readonly string[]): string[] {
  const problems: string[] = [];
  for (const arg of args) {
    if (arg === "--") break;
    const match = /^(--?)([^=]+)/.exec(arg);
    if (match?.[1] === undefined || match[2] === undefined || /^-\d/.test(arg)) continue;
    const dashes = match[1];
    const name = match[2];
    // yargs takes -abc as -a -b -c, --no-x as --x false, and --checkConfig as --check-config
    const long = name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    const names = dashes === "-" ? [...name] : [long.replace(/^no-/, ""), long, name];
    if (dashes === "-" ? names.every((n) => known.includes(n)) : names.some((n) => known.includes(n)))
      continue;
    const longNames = known.filter((k) => k.length > 1);
    const hint = suggestion(name, dashes === "-" ? known : longNames).replace(/"([^"]+)"/, (_, k: string) =>
      k.length > 1 ? `--${k}` : `-${k}`,
    );
    problems.push(`${dashes}${name}: unknown option${hint}`);
  }
  return [...new Set(problems)];
}
