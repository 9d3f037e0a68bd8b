import { mkdir, open } from "node:fs/promises";
import path from "node:path";

export type RecordKind = "sample" | "event" | "alert";

/** One record the store refused while it took the rest of its batch. */
export interface DeadLetter {
  kind: RecordKind;
  agent: string;
  /** The store's error for this record alone. */
  error: string;
  record: unknown;
}

/**
 * Records the store refuses one by one (while it takes every other record) are set aside here,
 * one JSON line each with the error, so that one agent's odd answer can never hold up the
 * others' samples. Each append is fsync'd: a record leaves the batch only once it is on disk.
 * `onFirst` is told once per agent and kind, so a bad agent is named in the log without
 * flooding it every poll.
 */
export class DeadLetterFile {
  /** Records set aside since start. */
  count = 0;
  private readonly named = new Set<string>();

  constructor(
    readonly file: string,
    private readonly onFirst: (letter: DeadLetter) => void = () => undefined,
  ) {}

  async add(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const at = new Date().toISOString();
    const text = letters.map((letter) => `${JSON.stringify({ set_aside_at: at, ...letter })}\n`).join("");
    await mkdir(path.dirname(this.file), { recursive: true });
    const handle = await open(this.file, "a");
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    this.count += letters.length;
    for (const letter of letters) {
      const key = `${letter.kind}\u0000${letter.agent}`;
      if (this.named.has(key)) continue;
      this.named.add(key);
      this.onFirst(letter);
    }
  }
}
