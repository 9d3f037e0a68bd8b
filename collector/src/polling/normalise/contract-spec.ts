import type {
  AgentInfo,
  FamilyStatus,
  MetricsSnapshot,
  SecurityMetrics,
} from "../../../../common/src/contract/protocol.js";
import {
  rankDisks,
  rankInterfaces,
  rankSensors,
  rankSshSources,
  rankSuspiciousProcesses,
  rankUnexpectedListeners,
} from "../../../../common/src/contract/ranks.js";
import type { StructSpecOf } from "./spec.js";

const agent: StructSpecOf<AgentInfo> = {
  fields: {
    name: "string",
    hostname: "string",
    version: "string",
    platform: "string",
    os: "string",
    kernel: "string",
    arch: "string",
    uptime_s: "number",
    boot_time: "timestamp",
  },
};

const security: StructSpecOf<SecurityMetrics> = {
  fields: {
    status: { oneOf: ["ok", "warning", "critical", "unavailable"] },
    issue_count: "number",
    suspicious_processes: {
      arrayOf: {
        fields: {
          pid: "number",
          name: "string",
          user: "string",
          exe: "string",
          reason: { oneOf: ["suspicious_dir", "deleted_exe", "memfd_exec", "no_exe"] },
          severity: { oneOf: ["critical", "warning"] },
        },
        key: ["pid"],
      },
      rank: rankSuspiciousProcesses,
      count: "suspicious_process_count",
    },
    suspicious_process_count: "number",
    ssh_failed_logins: {
      fields: {
        window_s: "number",
        total: "number",
        sources: {
          arrayOf: {
            fields: {
              ip: "string",
              count: "number",
              users: { arrayOf: "string", count: "user_count" },
              user_count: "number",
            },
            key: ["ip"],
          },
          rank: rankSshSources,
          count: "source_count",
        },
        source_count: "number",
      },
    },
    unexpected_listeners: {
      arrayOf: {
        fields: {
          proto: "string",
          address: "string",
          port: "number",
          pid: { nullable: "number" },
          process: { nullable: "string" },
        },
        key: ["port"],
      },
      rank: rankUnexpectedListeners,
      count: "unexpected_listener_count",
    },
    unexpected_listener_count: "number",
    // One per check: cut to the limit like any array, but no count (the agent never cuts it).
    checks: {
      arrayOf: { fields: { name: "string", available: "boolean", detail: "string" }, key: ["name"] },
    },
  },
};

const familyStatus: StructSpecOf<FamilyStatus> = {
  fields: { name: "string", ok: "boolean", duration_ms: "number", error: { nullable: "string" } },
  key: ["name"],
};

/** The get_metrics contract of common/src/contract/protocol.ts, field by field. */
export const SNAPSHOT_SPEC: StructSpecOf<MetricsSnapshot> = {
  fields: {
    timestamp: "timestamp",
    agent,
    cpu: {
      fields: {
        usage_percent: "number",
        user_percent: "number",
        system_percent: "number",
        iowait_percent: "number",
        steal_percent: "number",
        per_core_percent: { arrayOf: "number", positional: true },
        count: "number",
      },
    },
    load: { fields: { load_1: "number", load_5: "number", load_15: "number" } },
    temperature: {
      fields: {
        cpu_celsius: { nullable: "number" },
        max_celsius: { nullable: "number" },
        sensors: {
          arrayOf: { fields: { label: "string", celsius: "number" }, key: ["label", "celsius"] },
          rank: rankSensors,
          count: "sensor_count",
        },
        sensor_count: "number",
      },
    },
    memory: {
      fields: {
        total_bytes: "number",
        used_bytes: "number",
        available_bytes: "number",
        usage_percent: "number",
        swap_total_bytes: "number",
        swap_used_bytes: "number",
        swap_percent: "number",
        cached_bytes: "number",
        buffers_bytes: "number",
      },
    },
    disks: {
      arrayOf: {
        fields: {
          mount: "string",
          device: "string",
          fstype: "string",
          total_bytes: "number",
          used_bytes: "number",
          usage_percent: "number",
          inodes_percent: { nullable: "number" },
        },
        key: ["mount"],
      },
      rank: rankDisks,
      count: "disk_count",
    },
    disk_count: "number",
    disk_io: {
      fields: {
        read_bytes_per_s: "number",
        write_bytes_per_s: "number",
        read_ops_per_s: "number",
        write_ops_per_s: "number",
      },
    },
    network: {
      fields: {
        rx_bytes_per_s: "number",
        tx_bytes_per_s: "number",
        rx_errors: "number",
        tx_errors: "number",
        interfaces: {
          arrayOf: {
            fields: { name: "string", rx_bytes_per_s: "number", tx_bytes_per_s: "number" },
            key: ["name"],
          },
          rank: rankInterfaces,
          count: "interface_count",
        },
        interface_count: "number",
        tcp_connections: "number",
      },
    },
    processes: {
      fields: {
        count: "number",
        running: "number",
        top_memory: {
          arrayOf: {
            fields: {
              pid: "number",
              name: "string",
              user: "string",
              memory_percent: "number",
              rss_bytes: "number",
              cmdline: "string",
            },
            key: ["pid"],
          },
        },
        top_cpu: {
          arrayOf: {
            fields: {
              pid: "number",
              name: "string",
              user: "string",
              cpu_percent: "number",
              cmdline: "string",
            },
            key: ["pid"],
          },
        },
      },
    },
    security,
    collector_status: { arrayOf: familyStatus },
  },
};
