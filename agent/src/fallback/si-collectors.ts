import os from "node:os";
import si from "systeminformation";
import type { FamilyCollector } from "../metrics/family.js";
import type { MetricsSnapshot } from "../../../common/src/contract/protocol.js";

const round2 = (value: number) => Math.round(value * 100) / 100;
const percent = (part: number, whole: number) => (whole > 0 ? round2((part / whole) * 100) : 0);

/**
 * Metric families for platforms other than Linux, through systeminformation. It spawns child
 * processes, which is why Linux never takes this path. Processes and security are not offered.
 */
export function createFallbackCollectors(): FamilyCollector[] {
  return [
    family("cpu", async () => {
      const load = await si.currentLoad();
      const [load1 = 0, load5 = 0, load15 = 0] = os.loadavg();
      return {
        cpu: {
          usage_percent: round2(load.currentLoad),
          user_percent: round2(load.currentLoadUser + load.currentLoadNice),
          system_percent: round2(load.currentLoadSystem + load.currentLoadIrq),
          iowait_percent: 0,
          steal_percent: round2(load.currentLoadSteal ?? 0),
          per_core_percent: load.cpus.map((cpu) => round2(cpu.load)),
          count: load.cpus.length,
        },
        load: { load_1: load1, load_5: load5, load_15: load15 },
      };
    }),
    family("memory", async () => {
      const mem = await si.mem();
      const used = mem.total - mem.available;
      return {
        memory: {
          total_bytes: mem.total,
          used_bytes: used,
          available_bytes: mem.available,
          usage_percent: percent(used, mem.total),
          swap_total_bytes: mem.swaptotal,
          swap_used_bytes: mem.swapused,
          swap_percent: percent(mem.swapused, mem.swaptotal),
          // systeminformation has only the whole slab, reclaimable or not
          cached_bytes: mem.cached + mem.slab,
          buffers_bytes: mem.buffers,
        },
      };
    }),
    family("disk", async () => {
      const [sizes, io] = await Promise.all([si.fsSize(), si.disksIO().catch(() => null)]);
      return {
        disks: sizes.map((fs) => ({
          mount: fs.mount,
          device: fs.fs,
          fstype: fs.type,
          total_bytes: fs.size,
          used_bytes: fs.used,
          usage_percent: round2(fs.use),
          inodes_percent: null,
        })),
        disk_io: {
          read_bytes_per_s: 0,
          write_bytes_per_s: 0,
          read_ops_per_s: round2(io?.rIO_sec ?? 0),
          write_ops_per_s: round2(io?.wIO_sec ?? 0),
        },
      };
    }),
    family("network", async () => {
      const stats = (await si.networkStats("*")).filter((nic) => nic.iface !== "lo" && nic.iface !== "lo0");
      const rate = (value: number | null) => round2(Math.max(0, value ?? 0));
      return {
        network: {
          rx_bytes_per_s: rate(stats.reduce((sum, nic) => sum + (nic.rx_sec ?? 0), 0)),
          tx_bytes_per_s: rate(stats.reduce((sum, nic) => sum + (nic.tx_sec ?? 0), 0)),
          rx_errors: stats.reduce((sum, nic) => sum + nic.rx_errors, 0),
          tx_errors: stats.reduce((sum, nic) => sum + nic.tx_errors, 0),
          interfaces: stats.map((nic) => ({
            name: nic.iface,
            rx_bytes_per_s: rate(nic.rx_sec),
            tx_bytes_per_s: rate(nic.tx_sec),
          })),
          tcp_connections: 0,
        },
      };
    }),
    family("temperature", async () => {
      const temp = await si.cpuTemperature();
      const main = temp.main ?? null;
      return {
        temperature: {
          cpu_celsius: main,
          max_celsius: temp.max ?? main,
          sensors: main === null ? [] : [{ label: "cpu", celsius: main }],
        },
      };
    }),
  ];
}

function family(
  name: FamilyCollector["family"],
  collect: () => Promise<Partial<MetricsSnapshot>>,
): FamilyCollector {
  return { family: name, collect };
}
