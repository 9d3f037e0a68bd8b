import { DeadlineError } from "./deadline.js";

/** A record that failed when written alone, with the store's error. */
export interface Refused<T> {
  record: T;
  error: unknown;
}

/**
 * After a write of `records` failed while the store still answers: writes them again in halves,
 * and halves of the halves that fail, until the records that fail alone are known. Those are
 * returned (the caller sets them aside); every other record has been written. A few bad
 * records in a batch of n cost about 2·k·log2(n) writes instead of n.
 *
 * `storeAnswers` is asked before a record is declared bad: when the store has gone away in the
 * meantime, this throws the record's error instead, and the caller spools the batch (records
 * already written are written again on replay; the stores take a record twice without a
 * duplicate row, see storage/store.ts).
 */
export async function isolateRefused<T>(
  records: readonly T[],
  batchError: unknown,
  write: (part: readonly T[]) => Promise<void>,
  storeAnswers: () => Promise<boolean>,
): Promise<Array<Refused<T>>> {
  const refused: Array<Refused<T>> = [];
  const refuse = async (record: T, error: unknown): Promise<void> => {
    if (!(await storeAnswers())) throw error;
    refused.push({ record, error });
  };
  // the whole batch already failed with batchError: a single record is refused at once, a
  // larger batch is tried in halves, in order (the stack is popped from its end)
  if (records.length === 1) await refuse(records[0] as T, batchError);
  const parts: Array<readonly T[]> = records.length > 1 ? halves(records).reverse() : [];
  // a stack, not recursion: a batch of any size stays within a bounded depth of halving
  for (let part = parts.pop(); part !== undefined; part = parts.pop()) {
    try {
      await write(part);
    } catch (error) {
      if (error instanceof DeadlineError) throw error; // the store hangs: not this record's fault
      if (part.length === 1) await refuse(part[0] as T, error);
      else parts.push(...halves(part).reverse());
    }
  }
  return refused;
}

function halves<T>(records: readonly T[]): Array<readonly T[]> {
  const middle = Math.ceil(records.length / 2);
  return [records.slice(0, middle), records.slice(middle)];
}
