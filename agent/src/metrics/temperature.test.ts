import { afterEach, describe, expect, it } from "vitest";
import { fixtureHost, tempHost } from "../../test/fixtures/hosts.js";
import type { TempHost } from "../../test/fixtures/hosts.js";
import { REAL_HOST } from "./family.js";
import {
  TemperatureCollector,
  discoverSensors,
  parseMillidegrees,
  readSensors,
  selectCpuCelsius,
  temperatureMetrics,
} from "./temperature.js";
import type { SensorReading } from "./temperature.js";

const NONE = { cpu_celsius: null, max_celsius: null, sensors: [] };

function reading(kind: "hwmon" | "thermal", chip: string, sensor: string, celsius: number): SensorReading {
  return { kind, chip, sensor, celsius, inputPath: "" };
}

describe("parseMillidegrees", () => {
  it("converts to °C with one decimal", () => {
    expect(parseMillidegrees("37850\n")).toBe(37.9);
    expect(parseMillidegrees("-5000")).toBe(-5);
  });

  it("ignores unreadable and absurd values", () => {
    expect(parseMillidegrees(null)).toBeNull();
    expect(parseMillidegrees("")).toBeNull();
    expect(parseMillidegrees("-128000")).toBeNull();
    expect(parseMillidegrees("151000")).toBeNull();
  });
});

describe("discoverSensors", () => {
  it("lists hwmon temp inputs with labels, then thermal zones", () => {
    const sys = fixtureHost("host-8core-sensors").sys;
    const sources = discoverSensors(sys);
    expect(sources.map((s) => [s.kind, s.chip, s.sensor])).toEqual([
      ["hwmon", "acpitz", "temp1"],
      ["hwmon", "nvme", "Composite"],
      ["hwmon", "nvme", "Sensor 1"],
      ["hwmon", "nvme", "Sensor 2"],
      ["hwmon", "coretemp", "Package id 0"],
      ["hwmon", "coretemp", "Core 0"],
      ["hwmon", "coretemp", "Core 1"],
      ["hwmon", "coretemp", "Core 2"],
      ["hwmon", "coretemp", "Core 3"],
      ["hwmon", "iwlwifi_1", "temp1"],
      ["thermal", "acpitz", ""],
      ["thermal", "pch_cannonlake", ""],
      ["thermal", "x86_pkg_temp", ""],
    ]);
    expect(sources[1]?.inputPath).toBe(`${sys}/class/hwmon/hwmon1/temp1_input`);
  });

  it("finds files that older drivers put under hwmonN/device/", () => {
    const sys = fixtureHost("host-amd-k10temp").sys;
    expect(discoverSensors(sys).map((s) => [s.chip, s.sensor, s.inputPath])).toEqual([
      ["k10temp", "Tctl", `${sys}/class/hwmon/hwmon0/temp1_input`],
      ["k10temp", "Tccd1", `${sys}/class/hwmon/hwmon0/temp3_input`],
      ["it8721", "temp1", `${sys}/class/hwmon/hwmon1/device/temp1_input`],
      ["it8721", "temp2", `${sys}/class/hwmon/hwmon1/device/temp2_input`],
      ["it8721", "temp3", `${sys}/class/hwmon/hwmon1/device/temp3_input`],
    ]);
  });

  it("is empty without hwmon and with no thermal zones", () => {
    expect(discoverSensors(fixtureHost("host-2core").sys)).toEqual([]);
  });
});

describe("selectCpuCelsius", () => {
  const intel = [
    reading("hwmon", "acpitz", "temp1", 27.8),
    reading("hwmon", "coretemp", "Package id 0", 55),
    reading("hwmon", "coretemp", "Package id 1", 58),
    reading("hwmon", "coretemp", "Core 0", 61),
    reading("thermal", "x86_pkg_temp", "", 70),
  ];

  it("prefers the highest coretemp package", () => {
    expect(selectCpuCelsius(intel)).toBe(58);
  });

  it("then AMD Tdie over Tctl", () => {
    const amd = [reading("hwmon", "k10temp", "Tctl", 70), reading("hwmon", "k10temp", "Tdie", 50)];
    expect(selectCpuCelsius(amd)).toBe(50);
    expect(selectCpuCelsius([reading("hwmon", "zenpower", "Tctl", 45.5)])).toBe(45.5);
    expect(selectCpuCelsius([reading("hwmon", "k10temp", "temp1", 44)])).toBe(44);
  });

  it("then the hottest coretemp core", () => {
    const cores = [reading("hwmon", "coretemp", "Core 0", 49), reading("hwmon", "coretemp", "Core 1", 51)];
    expect(selectCpuCelsius([...cores, reading("thermal", "x86_pkg_temp", "", 70)])).toBe(51);
  });

  it("then CPU thermal zones and SoC hwmon chips", () => {
    expect(
      selectCpuCelsius([reading("thermal", "x86_pkg_temp", "", 52), reading("hwmon", "acpitz", "temp1", 30)]),
    ).toBe(52);
    expect(selectCpuCelsius([reading("hwmon", "cpu_thermal", "temp1", 48.7)])).toBe(48.7);
    expect(selectCpuCelsius([reading("thermal", "cpu-thermal", "", 47.2)])).toBe(47.2);
  });

  it("then acpitz, else null", () => {
    expect(
      selectCpuCelsius([reading("thermal", "acpitz", "", 27.8), reading("hwmon", "nvme", "Composite", 40)]),
    ).toBe(27.8);
    expect(selectCpuCelsius([reading("hwmon", "nvme", "Composite", 40)])).toBeNull();
    expect(selectCpuCelsius([])).toBeNull();
  });
});

describe("temperatureMetrics", () => {
  it("labels sensors '<chip> <label>' (hwmon) or '<zone type>' and takes the max", () => {
    const readings = readSensors(discoverSensors(fixtureHost("host-8core-sensors").sys));
    expect(temperatureMetrics(readings)).toEqual({
      cpu_celsius: 55,
      max_celsius: 55,
      sensors: [
        { label: "acpitz temp1", celsius: 27.8 },
        { label: "nvme Composite", celsius: 37.9 },
        { label: "nvme Sensor 1", celsius: 37.9 },
        { label: "nvme Sensor 2", celsius: 41.9 },
        { label: "coretemp Package id 0", celsius: 55 },
        { label: "coretemp Core 0", celsius: 49 },
        { label: "coretemp Core 1", celsius: 51 },
        { label: "coretemp Core 2", celsius: 47 },
        { label: "coretemp Core 3", celsius: 53 },
        // iwlwifi_1 temp1 is unreadable (empty) and left out.
        { label: "acpitz", celsius: 27.8 },
        { label: "pch_cannonlake", celsius: 45 },
        { label: "x86_pkg_temp", celsius: 55 },
      ],
    });
  });
});

describe("TemperatureCollector", () => {
  let host: TempHost | undefined;
  afterEach(() => host?.cleanup());

  it("reads an AMD host: Tctl as CPU, the -128 °C disconnected probe ignored", async () => {
    const { temperature } = await new TemperatureCollector(fixtureHost("host-amd-k10temp")).collect();
    expect(temperature).toEqual({
      cpu_celsius: 61.9,
      max_celsius: 61.9,
      sensors: [
        { label: "k10temp Tctl", celsius: 61.9 },
        { label: "k10temp Tccd1", celsius: 55.3 },
        { label: "it8721 temp1", celsius: 38 },
        { label: "it8721 temp2", celsius: 31 },
      ],
    });
  });

  it("reports nulls on a host without sensors", async () => {
    expect((await new TemperatureCollector(fixtureHost("host-2core")).collect()).temperature).toEqual(NONE);
  });

  it("reads only the cached value files between rescans", async () => {
    host = tempHost("host-8core-sensors");
    let now = 0;
    const collector = new TemperatureCollector(host.paths, { now: () => now, rescanMs: 60_000 });
    await collector.collect();
    host.write("sys/class/hwmon/hwmon2/temp1_input", "61000\n");
    host.remove("sys/class/hwmon/hwmon2/temp1_label");
    now = 1_000;
    expect((await collector.collect()).temperature?.cpu_celsius).toBe(61); // label still cached
    now = 61_000;
    // Rescanned: without its label the package reads as "temp1", so the hottest core is used.
    expect((await collector.collect()).temperature?.cpu_celsius).toBe(53);
  });

  it("reads this machine (no sensors in the dev container: all null)", async () => {
    const { temperature } = await new TemperatureCollector(REAL_HOST).collect();
    if (discoverSensors(REAL_HOST.sys).length === 0) expect(temperature).toEqual(NONE);
    else expect(temperature?.sensors.length).toBeGreaterThanOrEqual(0);
  });
});
