/**
 * SQL literals for the batched INSERTs, built by hand: one multi-row statement carries tens of
 * thousands of values, and walking them through knex's binding machinery costs more than the
 * database's own work. Every value passes through one of the column-typed helpers below, which
 * also keep a bad value from failing the whole batch in strict mode: a non-finite or
 * out-of-range number becomes NULL, a string too long for its column is cut.
 *
 * The session runs without NO_BACKSLASH_ESCAPES (connection.ts sets sql_mode), so a quote is
 * escaped as \' and a backslash as \\.
 */

export const NULL = "NULL";

const ESCAPES: Record<string, string> = {
  "\0": "\\0",
  "\n": "\\n",
  "\r": "\\r",
  "\x1a": "\\Z",
  "'": "\\'",
  "\\": "\\\\",
};
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\0\n\r\x1a'\\]/g;

/** A quoted string literal. */
export function quote(value: string): string {
  NEEDS_ESCAPE.lastIndex = 0;
  if (!NEEDS_ESCAPE.test(value)) return `'${value}'`;
  return `'${value.replace(NEEDS_ESCAPE, (c) => ESCAPES[c] ?? c)}'`;
}

/** VARCHAR(max) / TEXT: NULL unless a string; cut to `max` characters. */
export function str(value: unknown, max: number): string {
  if (typeof value !== "string") return NULL;
  return quote(cut(value, max));
}

/** Cuts to at most `max` characters (UTF-16 units, so never more characters than MySQL counts). */
export function cut(value: string, max: number): string {
  if (value.length <= max) return value;
  let end = max;
  // Do not leave half a surrogate pair behind.
  const code = value.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return value.slice(0, end);
}

/** DOUBLE: NULL unless a finite number. */
export function dbl(value: unknown): string {
  return typeof value === "number" && Number.isFinite(value) ? String(value) : NULL;
}

/** BIGINT UNSIGNED: rounded; NULL when negative, non-finite or beyond the type. */
export function ubig(value: unknown): string {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 1.8e19) return NULL;
  return String(Math.round(value));
}

/** INT UNSIGNED: rounded; NULL when negative, non-finite or beyond the type. */
export function uint(value: unknown): string {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 4_294_967_295) return NULL;
  return String(Math.round(value));
}

/** A DATETIME(3) value already formatted by toDbTime, or NULL. */
export function time(value: string | null): string {
  return value === null ? NULL : `'${value}'`;
}

/**
 * Groups row literals into statements of at most `maxRows` rows and about `maxBytes` characters
 * (a single larger row still goes, alone): `${head} VALUES (...),(...)${tail}`.
 */
export function chunkStatements(
  head: string,
  rows: readonly string[],
  maxRows: number,
  maxBytes: number,
  tail = "",
): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  let size = 0;
  for (const row of rows) {
    if (current.length > 0 && (current.length >= maxRows || size + row.length > maxBytes)) {
      statements.push(`${head} VALUES ${current.join(",")}${tail}`);
      current = [];
      size = 0;
    }
    current.push(row);
    size += row.length + 1;
  }
  if (current.length > 0) statements.push(`${head} VALUES ${current.join(",")}${tail}`);
  return statements;
}
