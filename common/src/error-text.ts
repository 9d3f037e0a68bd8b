/**
 * One line for any thrown value: the first error of an AggregateError (what `net` throws when
 * every address of a host failed), an Error's message with its code in front when the message
 * does not name it (mysql2's "Access denied …" carries ER_ACCESS_DENIED_ERROR only in `code`),
 * and for anything else its text, or its JSON when it is an object.
 */
export function errorText(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return errorText(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" && !error.message.includes(code)
      ? `${code}: ${error.message}`
      : error.message;
  }
  if (typeof error !== "object" || error === null) return String(error);
  try {
    return JSON.stringify(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}
