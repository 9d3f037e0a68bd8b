import { CpuCollector } from "./cpu.js";
import { DiskCollector } from "./disks.js";
import type { DiskOptions } from "./disks.js";
import type { FamilyCollector, HostPaths } from "./family.js";
import { MemoryCollector } from "./memory.js";
import { NetworkCollector } from "./network.js";
import type { NetworkOptions } from "./network.js";
import { ProcessesCollector } from "./processes.js";
import type { ProcessesOptions } from "./processes.js";
import { SecurityCollector } from "./security.js";
import type { SecurityOptions } from "./security.js";
import { TemperatureCollector } from "./temperature.js";
import type { TemperatureOptions } from "./temperature.js";

export interface LinuxCollectorOptions {
  /** Window of the SSH failed-login count (config security.ssh_window_s); same as security.sshWindowS. */
  sshWindowS?: number;
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
    new SecurityCollector(paths, {
      ...options.security,
      sshWindowS: options.security?.sshWindowS ?? options.sshWindowS,
    }),
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
