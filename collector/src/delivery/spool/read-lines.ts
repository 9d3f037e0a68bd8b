import { open } from "node:fs/promises";

const NEWLINE = 0x0a;
const CHUNK_BYTES = 64 * 1024;

export interface Line {
  text: string;
  /** Offset just past the line's newline: where the next line starts. */
  end: number;
}

/**
 * The complete lines of a file from `start` on, read in chunks, so memory holds one line at a
 * time whatever the file's size. Bytes after the last newline (a line cut by a crash while it
 * was appended) are not a line.
 */
export async function* readLines(file: string, start = 0): AsyncGenerator<Line> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let pending: Buffer[] = [];
    let position = start;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
      if (bytesRead === 0) return;
      const chunk = buffer.subarray(0, bytesRead);
      let from = 0;
      for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, from)) {
        const text = Buffer.concat([...pending, chunk.subarray(from, nl)]).toString("utf8");
        pending = [];
        from = nl + 1;
        yield { text, end: position + from };
      }
      if (from < bytesRead) pending.push(Buffer.from(chunk.subarray(from)));
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/** Whether `offset` is the start of a line: 0, or just after a newline. */
export async function isLineStart(file: string, offset: number): Promise<boolean> {
  if (offset === 0) return true;
  const handle = await open(file, "r");
  try {
    const byte = Buffer.alloc(1);
    const { bytesRead } = await handle.read(byte, 0, 1, offset - 1);
    return bytesRead === 1 && byte[0] === NEWLINE;
  } finally {
    await handle.close();
  }
}
