export type PollErrorKind =
  | "timeout"
  | "refused"
  | "unreachable"
  | "http"
  | "fault"
  | "bad_response"
  | "too_large"
  | "tls"
  /** The caller cancelled the call (the collector is stopping): not the agent's failure. */
  | "aborted";

/** Why a poll failed: `kind` for counting and alerting, `message` for the log and the event row. */
export class PollError extends Error {
  override readonly name = "PollError";

  constructor(
    readonly kind: PollErrorKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
