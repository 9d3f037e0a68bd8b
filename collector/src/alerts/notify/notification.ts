/** The alert notification shape shared by the evaluator (producer) and the notifiers (consumers). */

export interface Alert {
  id: string;
  key: string;
  agent: string;
  metric: string;
  mount?: string;
  severity: "warning" | "critical";
  state: "firing" | "resolved";
  value: number | null;
  threshold: number | null;
  started_at: string;
  resolved_at: string | null;
  last_notified_at: string | null;
}

export interface AlertNotification {
  kind: "firing" | "escalated" | "resolved" | "repeat";
  alert: Alert;
  message: string;
}

/** One delivery channel (e-mail, a webhook, ...). `send` applies the channel's own retry policy. */
export interface Notifier {
  readonly name: string;
  send(n: AlertNotification): Promise<void>;
  sendTest(): Promise<void>;
  close?(): void | Promise<void>;
}
