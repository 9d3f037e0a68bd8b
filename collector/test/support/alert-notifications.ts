// Alerts for the notifier tests (not a test file itself).
import type { Alert, AlertNotification } from "../../src/alerts/notify/notification.js";

export const diskAlert: Alert = {
  id: "a-1",
  key: "web-01/disk_usage//var",
  agent: "web-01",
  metric: "disk_usage",
  mount: "/var",
  severity: "critical",
  state: "firing",
  value: 96.2,
  threshold: 95,
  started_at: "2025-01-02T03:04:05.000Z",
  resolved_at: null,
  last_notified_at: "2025-01-02T03:04:05.000Z",
};

export const diskFiring: AlertNotification = {
  kind: "firing",
  message: "web-01 disk_usage /var CRITICAL: 96.2% >= 95% since 2025-01-02T03:04:05Z",
  alert: diskAlert,
};
