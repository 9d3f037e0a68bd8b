export type { Alert, AlertNotification, Notifier } from "./notification.js";
export { NotificationDispatcher } from "./dispatcher.js";
export type { DispatcherOptions, NotifyLog, TestResult } from "./dispatcher.js";
export { EmailNotifier } from "./email-notifier.js";
export type { EmailNotifierOptions } from "./email-notifier.js";
export { WebhookNotifier, WebhookHttpError } from "./webhook-notifier.js";
export type { WebhookNotifierOptions } from "./webhook-notifier.js";
export { TEST_SUMMARY, alertTarget, formatBody, formatSummary, formatValue, metricUnit } from "./format.js";
