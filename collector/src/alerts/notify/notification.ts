import type { AlertNotification } from "../evaluator/types.js";

/** The evaluator produces these; the notifiers deliver them. One definition, in evaluator/types.ts. */
export type { Alert, AlertNotification } from "../evaluator/types.js";

/** One delivery channel (e-mail, a webhook, ...). `send` applies the channel's own retry policy. */
export interface Notifier {
  readonly name: string;
  send(n: AlertNotification): Promise<void>;
  sendTest(): Promise<void>;
  close?(): void | Promise<void>;
}
