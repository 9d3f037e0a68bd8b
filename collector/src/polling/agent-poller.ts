import type { AgentEndpoint } from "../config/load-config.js";
import type { PollEvent, PollSample } from "../storage/index.js";
import type { AgentState } from "./agent-state.js";
import type { AgentClient, CallLimits } from "./client/agent-client.js";
import { PollError } from "./client/poll-error.js";
import { normaliseSnapshot } from "./normalise/normalise-snapshot.js";
import { DEFAULT_NORMALISE_LIMITS } from "./normalise/normalise-value.js";
import type { NormaliseLimits } from "./normalise/normalise-value.js";

export interface PollOutcome {
  agent: string;
  sample: PollSample | null;
  events: PollEvent[];
  durationMs: number;
  error: PollError | null;
}

/** One agent: calls get_metrics, normalises the answer and keeps the agent's up/down state. */
export class AgentPoller {
  constructor(
    readonly endpoint: AgentEndpoint,
    private readonly client: AgentClient,
    readonly state: AgentState,
    /** How much of each answer a sample keeps (config `max_list_items`). */
    private readonly limits: NormaliseLimits = DEFAULT_NORMALISE_LIMITS,
  ) {}

  get name(): string {
    return this.endpoint.name;
  }

  /**
   * One poll within `limits`. Resolves with null when the poll was aborted through
   * `limits.signal` (the collector is stopping): that is not the agent's failure, so the state is
   * left as it was and there is nothing to record, neither sample nor event.
   */
  async poll(limits: CallLimits = {}): Promise<PollOutcome | null> {
    const ts = new Date().toISOString();
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 1000) / 1000;
    try {
      const value = await this.client.call("get_metrics", [], limits);
      const snapshot = normaliseSnapshot(value, {
        agent: this.name,
        receivedAt: new Date(),
        limits: this.limits,
      });
      const durationMs = elapsed();
      return {
        agent: this.name,
        sample: { agent: this.name, ts, duration_ms: durationMs, snapshot },
        events: this.state.succeeded(ts, durationMs),
        durationMs,
        error: null,
      };
    } catch (cause) {
      const error = cause instanceof PollError ? cause : new PollError("bad_response", String(cause));
      if (error.kind === "aborted") return null;
      const durationMs = elapsed();
      return {
        agent: this.name,
        sample: null,
        events: this.state.failed(ts, durationMs, error.message),
        durationMs,
        error,
      };
    }
  }

  close(): void {
    this.client.close();
  }
}
