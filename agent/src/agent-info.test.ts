import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { agentInfo, osReleaseName, packageVersion, readStaticFacts } from "./agent-info.js";

describe("agent info", () => {
  it("names the distribution from os-release", () => {
    expect(osReleaseName('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n')).toBe(
      "Debian GNU/Linux 12 (bookworm)",
    );
    expect(osReleaseName('NAME="Rocky Linux"\nVERSION="9.3 (Blue Onyx)"\n')).toBe(
      "Rocky Linux 9.3 (Blue Onyx)",
    );
    expect(osReleaseName("NAME=Alpine\n")).toBe("Alpine");
    expect(osReleaseName("")).toBeUndefined();
  });

  it("reports this host with a fresh uptime on every sample", async () => {
    const facts = await readStaticFacts("web-01");
    const info = agentInfo(facts);
    expect(info).toMatchObject({ name: "web-01", platform: process.platform, version: packageVersion() });
    expect(info.uptime_s).toBeGreaterThan(0);
    expect(Date.parse(info.boot_time)).toBeLessThan(Date.now());
  });

  it("reports the version in the root package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    expect(packageVersion()).toBe(pkg.version);
  });
});
