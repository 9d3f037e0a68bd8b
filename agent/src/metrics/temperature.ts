import { readFileSync, readdirSync } from "node:fs";
import { basename } from "node:path";
import type {
  MetricsSnapshot,
  TemperatureMetrics,
  TemperatureSensor,
} from "../../../common/src/contract/protocol.js";
import type { FamilyCollector, HostPaths } from "./family.js";

/** One temperature file found in sysfs; labels are static, so they are read once at discovery. */
export interface SensorSource {
  kind: "hwmon" | "thermal";
  /** hwmon chip name ("coretemp") or thermal zone type ("x86_pkg_temp"). */
  chip: string;
  /** hwmon: temp*_label or "tempN"; thermal zone: "". */
  sensor: string;
  inputPath: string;
}

export interface SensorReading extends SensorSource {
  celsius: number;
}

const MIN_CELSIUS = -40;
const MAX_CELSIUS = 150;

/** Any read error (ENOENT, EIO, ENODATA from a sleeping device) means "no value". */
function tryRead(path: string): string | null {
  try {
    return readFileSync(path, "latin1");
  } catch {
    return null;
  }
}

function tryList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Entries "<prefix><number>" of a directory, in numeric order. */
function numbered(names: string[], prefix: string): string[] {
  const pattern = new RegExp(`^${prefix}(\\d+)$`);
  return names
    .filter((name) => pattern.test(name))
    .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)));
}

function hwmonSources(hwmonDir: string): SensorSource[] {
  // Older drivers keep name and temp*_ files under hwmonN/device/.
  for (const dir of [hwmonDir, `${hwmonDir}/device`]) {
    const files = tryList(dir);
    const inputs = numbered(
      files.filter((f) => f.endsWith("_input")).map((f) => f.slice(0, -"_input".length)),
      "temp",
    );
    if (inputs.length === 0) continue;
    const chip = (tryRead(`${dir}/name`) ?? tryRead(`${hwmonDir}/name`))?.trim() || basename(hwmonDir);
    return inputs.map((temp) => ({
      kind: "hwmon",
      chip,
      sensor: tryRead(`${dir}/${temp}_label`)?.trim() || temp,
      inputPath: `${dir}/${temp}_input`,
    }));
  }
  return [];
}

/** Lists every temperature file under /sys/class/hwmon and /sys/class/thermal. */
export function discoverSensors(sysPath: string): SensorSource[] {
  const hwmonRoot = `${sysPath}/class/hwmon`;
  const thermalRoot = `${sysPath}/class/thermal`;
  const hwmon = numbered(tryList(hwmonRoot), "hwmon").flatMap((name) => hwmonSources(`${hwmonRoot}/${name}`));
  const zones = numbered(tryList(thermalRoot), "thermal_zone").flatMap((name): SensorSource[] => {
    const type = tryRead(`${thermalRoot}/${name}/type`)?.trim();
    return type
      ? [{ kind: "thermal", chip: type, sensor: "", inputPath: `${thermalRoot}/${name}/temp` }]
      : [];
  });
  return [...hwmon, ...zones];
}

/** Millidegrees → °C with one decimal; null when unreadable or absurd (a disconnected probe reads -128). */
export function parseMillidegrees(text: string | null): number | null {
  if (text === null) return null;
  const milli = Number.parseInt(text.trim(), 10);
  if (!Number.isFinite(milli)) return null;
  const celsius = Math.round(milli / 100) / 10;
  return celsius < MIN_CELSIUS || celsius > MAX_CELSIUS ? null : celsius;
}

export function readSensors(sources: SensorSource[]): SensorReading[] {
  const readings: SensorReading[] = [];
  for (const source of sources) {
    const celsius = parseMillidegrees(tryRead(source.inputPath));
    if (celsius !== null) readings.push({ ...source, celsius });
  }
  return readings;
}

function maxOf(readings: SensorReading[]): number | null {
  return readings.length === 0 ? null : Math.max(...readings.map((r) => r.celsius));
}

const CPU_HWMON_CHIPS = new Set(["cpu_thermal", "cpu-thermal", "soc_thermal"]);
const CPU_THERMAL_ZONES = new Set(["x86_pkg_temp", "cpu-thermal", "cpu_thermal", "soc_thermal"]);

/** The CPU temperature from the most specific sensor present, in this order of preference. */
export function selectCpuCelsius(readings: SensorReading[]): number | null {
  const hwmon = (chips: string[], sensor: (s: string) => boolean): SensorReading[] =>
    readings.filter((r) => r.kind === "hwmon" && chips.includes(r.chip) && sensor(r.sensor));
  const amd = ["k10temp", "zenpower"];
  const candidates: (() => SensorReading[])[] = [
    () => hwmon(["coretemp"], (s) => /^Package id \d+$/.test(s)),
    // Tctl carries a fan-control offset on some Ryzen models, so Tdie comes first.
    () => hwmon(amd, (s) => s === "Tdie"),
    () => hwmon(amd, (s) => s === "Tctl"),
    // Kernels before 4.15 give k10temp's Tctl no label.
    () => hwmon(amd, (s) => s === "temp1"),
    () => hwmon(["coretemp"], (s) => /^Core \d+$/.test(s)),
    () =>
      readings.filter(
        (r) =>
          (r.kind === "hwmon" && CPU_HWMON_CHIPS.has(r.chip)) ||
          (r.kind === "thermal" && CPU_THERMAL_ZONES.has(r.chip)),
      ),
    () => readings.filter((r) => r.chip === "acpitz"),
  ];
  for (const candidate of candidates) {
    const celsius = maxOf(candidate());
    if (celsius !== null) return celsius;
  }
  return null;
}

export function sensorLabel(reading: SensorSource): string {
  return reading.kind === "hwmon" ? `${reading.chip} ${reading.sensor}` : reading.chip;
}

export function temperatureMetrics(readings: SensorReading[]): TemperatureMetrics {
  const sensors: TemperatureSensor[] = readings.map((r) => ({ label: sensorLabel(r), celsius: r.celsius }));
  return { cpu_celsius: selectCpuCelsius(readings), max_celsius: maxOf(readings), sensors };
}

export interface TemperatureOptions {
  /** Milliseconds clock; tests inject one. Default performance.now. */
  now?: () => number;
  /** How often the sensor files are listed again. Default 60 s. */
  rescanMs?: number;
}

/** Family "temperature": hwmon chips and thermal zones; only the value files are read per sample. */
export class TemperatureCollector implements FamilyCollector {
  readonly family = "temperature" as const;
  private readonly now: () => number;
  private readonly rescanMs: number;
  private sources: SensorSource[] | undefined;
  private scannedAt = 0;

  constructor(
    private readonly paths: HostPaths,
    options: TemperatureOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.rescanMs = options.rescanMs ?? 60_000;
  }

  async collect(): Promise<Partial<MetricsSnapshot>> {
    const at = this.now();
    if (this.sources === undefined || at - this.scannedAt >= this.rescanMs) {
      this.sources = discoverSensors(this.paths.sys);
      this.scannedAt = at;
    }
    return { temperature: temperatureMetrics(readSensors(this.sources)) };
  }
}
