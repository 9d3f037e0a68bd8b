-- hostwatch MySQL / MariaDB schema: `mysql -u root -p < db/init_database.sql`
--
-- Creates the database `hostwatch` and its tables. The collector's storage.type "mysql" creates
-- the same schema by itself at start (knex migrations in collector/src/storage/mysql/migrations.ts;
-- a test keeps the two identical), so running this file is only needed when the collector's
-- account may not create tables. Every statement is idempotent. See db/README.md for the account
-- and its grants, and for example Grafana queries.
--
-- Time-series tables: one row per agent per poll (samples), per disk (disk_samples), per
-- security finding (security_findings), per failed poll or state change (poll_events). Every
-- write appends (ts, agent) rows; the primary key makes a replayed batch add nothing. All times
-- are UTC, DATETIME(3).

CREATE DATABASE IF NOT EXISTS hostwatch CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
USE hostwatch;

CREATE TABLE IF NOT EXISTS agents (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  name VARCHAR(255) NOT NULL,
  hostname VARCHAR(255) NULL,
  os VARCHAR(255) NULL,
  kernel VARCHAR(255) NULL,
  arch VARCHAR(64) NULL,
  platform VARCHAR(64) NULL,
  agent_version VARCHAR(64) NULL,
  first_seen DATETIME(3) NOT NULL,
  last_seen DATETIME(3) NOT NULL,
  last_sample_at DATETIME(3) NULL,
  state VARCHAR(8) NULL,
  status_at DATETIME(3) NULL,
  last_error TEXT NULL,
  consecutive_failures INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE KEY agents_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

CREATE TABLE IF NOT EXISTS samples (
  agent_id INT UNSIGNED NOT NULL,
  ts DATETIME(3) NOT NULL,
  agent_ts DATETIME(3) NULL,
  duration_ms DOUBLE NOT NULL,
  families SET('cpu','load','temperature','memory','disks','disk_io','network','processes','security') NOT NULL DEFAULT '',
  cpu_usage_percent DOUBLE NULL,
  cpu_user_percent DOUBLE NULL,
  cpu_system_percent DOUBLE NULL,
  cpu_iowait_percent DOUBLE NULL,
  cpu_steal_percent DOUBLE NULL,
  cpu_count INT UNSIGNED NULL,
  load_1 DOUBLE NULL,
  load_5 DOUBLE NULL,
  load_15 DOUBLE NULL,
  cpu_temperature_celsius DOUBLE NULL,
  max_temperature_celsius DOUBLE NULL,
  memory_total_bytes BIGINT UNSIGNED NULL,
  memory_used_bytes BIGINT UNSIGNED NULL,
  memory_available_bytes BIGINT UNSIGNED NULL,
  memory_usage_percent DOUBLE NULL,
  swap_total_bytes BIGINT UNSIGNED NULL,
  swap_used_bytes BIGINT UNSIGNED NULL,
  swap_percent DOUBLE NULL,
  disk_read_bytes_per_s DOUBLE NULL,
  disk_write_bytes_per_s DOUBLE NULL,
  disk_read_ops_per_s DOUBLE NULL,
  disk_write_ops_per_s DOUBLE NULL,
  net_rx_bytes_per_s DOUBLE NULL,
  net_tx_bytes_per_s DOUBLE NULL,
  net_rx_errors BIGINT UNSIGNED NULL,
  net_tx_errors BIGINT UNSIGNED NULL,
  tcp_connections INT UNSIGNED NULL,
  process_count INT UNSIGNED NULL,
  process_running INT UNSIGNED NULL,
  security_status VARCHAR(16) NULL,
  security_issue_count INT UNSIGNED NULL,
  ssh_failed_total INT UNSIGNED NULL,
  uptime_s DOUBLE NULL,
  worst_disk_usage_percent DOUBLE NULL,
  snapshot LONGTEXT NULL,
  PRIMARY KEY (ts, agent_id),
  KEY samples_agent_ts (agent_id, ts)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

CREATE TABLE IF NOT EXISTS disk_samples (
  agent_id INT UNSIGNED NOT NULL,
  ts DATETIME(3) NOT NULL,
  mount VARCHAR(512) NOT NULL,
  device VARCHAR(255) NULL,
  fstype VARCHAR(64) NULL,
  total_bytes BIGINT UNSIGNED NULL,
  used_bytes BIGINT UNSIGNED NULL,
  usage_percent DOUBLE NULL,
  inodes_percent DOUBLE NULL,
  PRIMARY KEY (ts, agent_id, mount),
  KEY disk_samples_agent_ts (agent_id, ts)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

CREATE TABLE IF NOT EXISTS security_findings (
  agent_id INT UNSIGNED NOT NULL,
  ts DATETIME(3) NOT NULL,
  seq SMALLINT UNSIGNED NOT NULL,
  kind VARCHAR(32) NOT NULL,
  severity VARCHAR(16) NULL,
  reason VARCHAR(32) NULL,
  pid INT UNSIGNED NULL,
  name VARCHAR(255) NULL,
  user VARCHAR(255) NULL,
  exe VARCHAR(1024) NULL,
  ip VARCHAR(64) NULL,
  count INT UNSIGNED NULL,
  proto VARCHAR(16) NULL,
  address VARCHAR(64) NULL,
  port INT UNSIGNED NULL,
  PRIMARY KEY (ts, agent_id, seq),
  KEY security_findings_agent_ts (agent_id, ts)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

CREATE TABLE IF NOT EXISTS poll_events (
  agent_id INT UNSIGNED NOT NULL,
  ts DATETIME(3) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  error TEXT NULL,
  consecutive_failures INT UNSIGNED NOT NULL DEFAULT 0,
  duration_ms DOUBLE NULL,
  PRIMARY KEY (ts, agent_id, kind),
  KEY poll_events_agent_ts (agent_id, ts)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;

CREATE TABLE IF NOT EXISTS alerts (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  alert_key VARCHAR(700) NOT NULL,
  agent_id INT UNSIGNED NULL,
  metric VARCHAR(64) NOT NULL,
  mount VARCHAR(512) NULL,
  severity VARCHAR(16) NOT NULL,
  state VARCHAR(16) NOT NULL,
  value DOUBLE NULL,
  threshold DOUBLE NULL,
  started_at DATETIME(3) NOT NULL,
  resolved_at DATETIME(3) NULL,
  last_notified_at DATETIME(3) NULL,
  last_kind VARCHAR(16) NULL,
  message TEXT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY alerts_episode (alert_key, started_at),
  KEY alerts_agent_started (agent_id, started_at),
  KEY alerts_state (state)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC;
