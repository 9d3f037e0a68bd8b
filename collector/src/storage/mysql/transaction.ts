import { Readable } from "node:stream";
import type { Knex } from "knex";
import type { Connection } from "mysql2";
import type { Operation } from "./statements.js";

/** The two knex pool methods the write path uses to run its transaction on one raw connection. */
interface PoolClient {
  acquireConnection(): Promise<Connection>;
  releaseConnection(connection: Connection): Promise<void>;
}

/**
 * Runs the operations in one transaction on one pooled connection. The next statement is
 * built (the iterables are lazy) while the previous one runs on the server; COMMIT is sent
 * only after every statement has succeeded. Any failure destroys the connection, so the
 * server rolls the transaction back.
 */
export async function runTransaction(
  db: Knex,
  parts: ReadonlyArray<Iterable<Operation>>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  const client = db.client as PoolClient;
  const connection = await client.acquireConnection();
  const inFlight: Array<Promise<void>> = [];
  const send = (operation: Operation): void => {
    const pending = runOperation(connection, operation, timeoutMs, signal);
    pending.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
    inFlight.push(pending);
  };
  let failure: unknown = null;
  try {
    send({ sql: "START TRANSACTION" });
    for (const operations of parts) {
      for (const operation of operations) {
        send(operation);
        while (inFlight.length > 2) await inFlight.shift();
      }
    }
    while (inFlight.length > 0) await inFlight.shift();
    send({ sql: "COMMIT" });
    await inFlight.shift();
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    if (failure !== null) {
      // knex's pool drops a connection marked so instead of handing it out again.
      (connection as Connection & { __knex__disposed?: unknown }).__knex__disposed = failure;
      connection.destroy();
    }
    await client.releaseConnection(connection);
  }
}

/** One statement on a raw mysql2 connection, bounded by timeoutMs and by `signal`. */
function runOperation(
  connection: Connection,
  operation: Operation,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(
      () => done(new Error(`MySQL statement timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    // the caller's transaction destroys the connection once this rejects
    const onAbort = (): void => done(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort);
    // values null (not undefined): mysql2 then sends the text as it is, instead of scanning
    // megabytes of literals for "?" placeholders first.
    const { data } = operation;
    if (data === undefined) {
      connection.query(operation.sql, null, done);
    } else {
      // Whatever file name the server asks for, it gets this batch's data and nothing else.
      connection.query({ sql: operation.sql, infileStreamFactory: () => Readable.from([data]) }, null, done);
    }
  });
}
