import { describe, expect, it } from "vitest";
import type { Logger } from "../logging.js";
import { ConfigError } from "./config-error.js";
import { reloadConfig } from "./load-config.js";

function fakeLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = {
    log: (level: string, message: string) => lines.push(`${level}: ${message}`),
    warn: (message: string) => lines.push(`warn: ${message}`),
    error: (message: string) => lines.push(`error: ${message}`),
  } as unknown as Logger;
  return { logger, lines };
}

describe("reloadConfig", () => {
  const config = { warnings: ["timeout clamped"] };

  it("logs the warnings, what changed and the keys that need a restart", () => {
    const { logger, lines } = fakeLogger();
    reloadConfig({
      logger,
      who: "agent",
      load: () => config,
      apply: () => ({ summary: "token changed", needsRestart: ["port"] }),
    });
    expect(lines).toEqual([
      "warn: timeout clamped",
      "info: config reloaded: token changed",
      "warn: config reload: port needs a restart; running with the values the agent started with",
    ]);
  });

  it("refuses a config that does not load, naming the reason unless it is SIGHUP, and applies nothing", () => {
    const { logger, lines } = fakeLogger();
    let applied = false;
    reloadConfig({
      logger,
      who: "collector",
      load: () => {
        throw new ConfigError("bad", ["agents[0].port: not a port", "x: unknown key"]);
      },
      apply: () => {
        applied = true;
        return { summary: "nothing changed", needsRestart: [] };
      },
      reason: "agents_files changed",
    });
    expect(applied).toBe(false);
    expect(lines).toEqual([
      "error: config reload refused (agents_files changed), the running config is kept: agents[0].port: not a port; x: unknown key",
    ]);
  });

  it("rethrows an error that is not a config problem", () => {
    const { logger } = fakeLogger();
    const load = () => {
      throw new Error("EIO");
    };
    expect(() =>
      reloadConfig({ logger, who: "agent", load, apply: () => ({ summary: "", needsRestart: [] }) }),
    ).toThrow("EIO");
  });

  it("logs a reload that changed nothing at debug when asked to, at info otherwise", () => {
    const apply = () => ({ summary: "nothing changed", needsRestart: [] });
    const quiet = fakeLogger();
    reloadConfig({
      logger: quiet.logger,
      who: "collector",
      load: () => ({ warnings: [] }),
      apply,
      reason: "agents_files changed",
      quietIfUnchanged: true,
    });
    expect(quiet.lines).toEqual(["debug: config reloaded (agents_files changed): nothing changed"]);
    const loud = fakeLogger();
    reloadConfig({ logger: loud.logger, who: "collector", load: () => ({ warnings: [] }), apply });
    expect(loud.lines).toEqual(["info: config reloaded: nothing changed"]);
  });
});
