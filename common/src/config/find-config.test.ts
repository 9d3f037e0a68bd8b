import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configPlaces, describeLoaded, describeLooked, findConfig } from "./find-config.js";

let cwd: string;
let root: string;
beforeEach(() => {
  cwd = mkdtempSync(path.join(tmpdir(), "hostwatch-find-cwd-"));
  root = mkdtempSync(path.join(tmpdir(), "hostwatch-find-root-"));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
});

function touch(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, "{}");
  return file;
}

describe("config discovery", () => {
  const env = () => ({ HOSTWATCH_CONFIG_ROOT: root });

  it("looks in ./config, /etc/hostwatch, then the Python system's names, in that order", () => {
    expect(configPlaces("collector", { cwd, env: env() }).map((p) => p.file)).toEqual([
      path.join(cwd, "config/collector.json"),
      path.join(root, "etc/hostwatch/collector.json"),
      path.join(cwd, "config/collector_config.json"),
      path.join(root, "etc/monitor/collector_config.json"),
    ]);
    const python = touch(path.join(root, "etc/monitor/agent_config.json"));
    expect(findConfig("agent", { cwd, env: env() })).toMatchObject({
      file: python,
      via: "Python system's name",
    });
    const local = touch(path.join(cwd, "config/agent_config.json"));
    expect(findConfig("agent", { cwd, env: env() }).file).toBe(local);
    const etc = touch(path.join(root, "etc/hostwatch/agent.json"));
    expect(findConfig("agent", { cwd, env: env() }).file).toBe(etc);
    const own = touch(path.join(cwd, "config/agent.json"));
    expect(findConfig("agent", { cwd, env: env() })).toMatchObject({ file: own, via: "default" });
  });

  it("takes --config, then $HOSTWATCH_CONFIG, as the only place, found or not", () => {
    touch(path.join(cwd, "config/agent.json"));
    const fromEnv = { ...env(), HOSTWATCH_CONFIG: "elsewhere.json" };
    expect(findConfig("agent", { cwd, env: fromEnv })).toMatchObject({
      file: path.join(cwd, "elsewhere.json"),
      via: "$HOSTWATCH_CONFIG",
    });
    expect(findConfig("agent", { cwd, env: fromEnv, explicit: "/x/given.json" })).toMatchObject({
      file: "/x/given.json",
      via: "--config",
    });
  });

  it("says every place it looked when none exists", () => {
    const found = findConfig("collector", { cwd, env: env() });
    expect(found.file).toBeUndefined();
    expect(describeLooked(found.looked)).toBe(
      `looked in ${path.join(cwd, "config/collector.json")}, ${path.join(root, "etc/hostwatch/collector.json")}, ` +
        `${path.join(cwd, "config/collector_config.json")}, ${path.join(root, "etc/monitor/collector_config.json")}`,
    );
  });

  it("looks in the real /etc without $HOSTWATCH_CONFIG_ROOT", () => {
    expect(configPlaces("agent", { cwd, env: {} }).map((p) => p.file)).toContain("/etc/hostwatch/agent.json");
  });
});

describe("describeLoaded", () => {
  it("names where the file came from unless it is one of the default places", () => {
    expect(describeLoaded({ file: "/etc/hostwatch/agent.json", via: "default" })).toBe(
      "loaded config /etc/hostwatch/agent.json",
    );
    expect(describeLoaded({ file: "/srv/a.json", via: "--config" })).toBe(
      "loaded config /srv/a.json (from --config)",
    );
  });
});
