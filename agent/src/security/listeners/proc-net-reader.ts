import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { TCP_LISTEN, TCP_SYN_RECV, rowState } from "./proc-net.js";
import type { NetProto } from "./proc-net.js";

/**
 * Bytes asked for per read(2) of /proc/net/tcp*. The kernel fills each read, walking its hash
 * of established sockets as far as needed: small reads let it stop soon after the listeners.
 */
const TCP_READ_BYTES = 1024;

/**
 * The listening part of /proc/net/tcp or tcp6. The kernel lists the listening hash first, then
 * walks the whole established hash (sized by RAM, 256 Ki buckets on a 24 GB host: ~3 ms per
 * file even when nearly empty). Reading stops at the first row of the established part, so
 * the walk ends at the first connection instead of the end of the table. Rows after the
 * returned text are never listening ones.
 */
export function readTcpListeningPart(path: string, chunkBytes = TCP_READ_BYTES): string {
  const fd = openSync(path, "r");
  const buffer = Buffer.allocUnsafe(chunkBytes);
  let text = "";
  let scanned = 0; // where the first not yet examined line starts
  try {
    for (;;) {
      const length = readSync(fd, buffer, 0, chunkBytes, null);
      if (length === 0) return text;
      text += buffer.toString("latin1", 0, length);
      for (let end = text.indexOf("\n", scanned); end >= 0; end = text.indexOf("\n", scanned)) {
        const state = rowState(text.slice(scanned, end));
        if (state >= 0 && state !== TCP_LISTEN && state !== TCP_SYN_RECV) return text.slice(0, scanned);
        scanned = end + 1;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** The text of /proc/net/PROTO that can hold listening sockets: all of it for UDP. */
export function readProcNetForListeners(procRoot: string, proto: NetProto): string {
  const path = `${procRoot}/net/${proto}`;
  return proto === "tcp" || proto === "tcp6" ? readTcpListeningPart(path) : readFileSync(path, "latin1");
}
