import type { CollectorConfig } from "../config/load-config.js";
import { EmailNotifier } from "./notify/email-notifier.js";
import type { Notifier } from "./notify/notification.js";
import { WebhookNotifier } from "./notify/webhook-notifier.js";

/** Every notification channel the config asks for (the log is always there, in the dispatcher). */
export function createNotifiers(config: CollectorConfig): Notifier[] {
  const notifiers: Notifier[] = [];
  const email = config.alerts.email;
  if (email !== undefined) {
    const perAgent = new Map(
      config.agents.map((agent) => [agent.name, agent.email === undefined ? [] : [agent.email].flat()]),
    );
    notifiers.push(
      new EmailNotifier({
        host: email.host,
        port: email.port,
        secure: email.secure,
        user: email.user,
        password: email.password,
        from: email.from,
        to: email.to,
        recipientsFor: (agent) => perAgent.get(agent) ?? [],
      }),
    );
  }
  for (const webhook of config.alerts.webhooks) {
    notifiers.push(new WebhookNotifier({ url: webhook.url, headers: webhook.headers }));
  }
  return notifiers;
}
