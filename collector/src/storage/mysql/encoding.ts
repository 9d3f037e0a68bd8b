/**
 * How values travel to MySQL. Bulk rows (samples, disks, findings) go as tab-separated lines for
 * LOAD DATA LOCAL INFILE, whose escapes (\\ \t \n \r \0, \N for NULL) are also valid inside a
 * quoted SQL string: the same line becomes an INSERT tuple by quoting each field (sqlTuple), for
 * servers that refuse LOAD DATA LOCAL and for the low-volume tables. Statements are built by hand:
 * one batch carries hundreds of thousands of values, and walking them through knex's binding
 * machinery would cost more than the database's own work.
 *
 * Every value passes through one of the column-typed encoders below, which also keep a bad value
 * from failing a whole batch in strict mode: a non-finite or out-of-range number becomes NULL, a
 * string too long for its column is cut. The session runs without NO_BACKSLASH_ESCAPES
 * (connection.ts sets sql_mode).
 */

/** NULL in a LOAD DATA field. */
export const NULL_CELL = "\\N";

const FIELD_SPECIALS = /[\\\t\n\r\0]/g;
const FIELD_ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  "\t": "\\t",
  "\n": "\\n",
  "\r": "\\r",
  "\0": "\\0",
};

/** A string as a LOAD DATA field. */
export function field(value: string): string {
  FIELD_SPECIALS.lastIndex = 0;
  if (!FIELD_SPECIALS.test(value)) return value;
  return value.replace(FIELD_SPECIALS, (c) => FIELD_ESCAPES[c] ?? c);
}

/** VARCHAR(max) / TEXT: NULL unless a string; cut to `max` characters. */
export function str(value: unknown, max: number): string {
  return typeof value === "string" ? field(cut(value, max)) : NULL_CELL;
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
  return typeof value === "number" && Number.isFinite(value) ? String(value) : NULL_CELL;
}

/** BIGINT UNSIGNED: rounded; NULL when negative, non-finite or beyond the type. */
export function ubig(value: unknown): string {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 1.8e19) return NULL_CELL;
  return String(Math.round(value));
}

/** INT UNSIGNED: rounded; NULL when negative, non-finite or beyond the type. */
export function uint(value: unknown): string {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 4_294_967_295)
    return NULL_CELL;
  return String(Math.round(value));
}

/** A DATETIME(3) value already formatted by toDbTime, or NULL. */
export function time(value: string | null): string {
  return value === null ? NULL_CELL : value;
}

/** One field as an SQL literal: NULL, or a quoted string (MySQL converts it to the column's type). */
export function sqlLiteral(cell: string): string {
  if (cell === NULL_CELL) return "NULL";
  return cell.includes("'") ? `'${cell.replaceAll("'", "\\'")}'` : `'${cell}'`;
}

/** A quoted SQL string literal for any string. */
export function quote(value: string): string {
  return sqlLiteral(field(value));
}

/** A tab-separated line as an INSERT tuple: "(v1,v2,...)". */
export function sqlTuple(line: string): string {
  return `(${line.split("\t").map(sqlLiteral).join(",")})`;
}

/**
 * Groups items into runs of at most `maxItems` items and about `maxChars` characters (a single
 * larger item still goes, alone).
 */
export function* runs(items: readonly string[], maxItems: number, maxChars: number): Generator<string[]> {
  let current: string[] = [];
  let size = 0;
  for (const item of items) {
    if (current.length > 0 && (current.length >= maxItems || size + item.length > maxChars)) {
      yield current;
      current = [];
      size = 0;
    }
    current.push(item);
    size += item.length + 1;
  }
  if (current.length > 0) yield current;
}

/** `${head} VALUES (...),(...)${tail}` statements from tab-separated lines. */
export function insertStatements(
  head: string,
  lines: readonly string[],
  maxRows: number,
  maxChars: number,
  tail = "",
): string[] {
  const statements: string[] = [];
  for (const run of runs(lines, maxRows, maxChars)) {
    statements.push(`${head} VALUES ${run.map(sqlTuple).join(",")}${tail}`);
  }
  return statements;
}
