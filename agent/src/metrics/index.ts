import { CpuCollector } from "./cpu.js";
import { DiskCollector } from "./disks.js";
import type { DiskOptions } from "./disks.js";
import type { FamilyCollector, HostPaths } from "./family.js";
import { MemoryCollector } from "./memory.js";
import { NetworkCollector } from "./network.js";
import type { NetworkOptions } from "./network.js";
import { ProcessesCollector } from "./processes.js";
import type { ProcessesOptions } from "./processes.js";
import { SecurityCollector } from "../security/security-family.js";
import type { SecurityOptions } from "../security/security-family.js";
import { TemperatureCollector } from "./temperature.js";
import type { TemperatureOptions } from "./temperature.js";

export interface LinuxCollectorOptions {
  temperature?: TemperatureOptions;
  disk?: DiskOptions;
  network?: NetworkOptions;
  processes?: ProcessesOptions;
  security?: SecurityOptions;
}

/** The Linux metric families, read from /proc and /sys, in collector_status order. */
export function createLinuxCollectors(
  paths: HostPaths,
  options: LinuxCollectorOptions = {},
): FamilyCollector[] {
  return [
    new TemperatureCollector(paths, options.temperature),
    new CpuCollector(paths),
    new MemoryCollector(paths),
    new DiskCollector(paths, options.disk),
    new NetworkCollector(paths, options.network),
    new ProcessesCollector(paths, options.processes),
    new SecurityCollector(paths, options.security),
  ];
}

export {
  CpuCollector,
  DiskCollector,
  MemoryCollector,
  NetworkCollector,
  ProcessesCollector,
  SecurityCollector,
  TemperatureCollector,
};
export type { DiskOptions, NetworkOptions, ProcessesOptions, SecurityOptions, TemperatureOptions };
