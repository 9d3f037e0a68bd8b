import { endianness } from "node:os";

export type NetProto = "tcp" | "tcp6" | "udp" | "udp6";

export const NET_PROTOS: ReadonlyArray<NetProto> = ["tcp", "tcp6", "udp", "udp6"];

/** One row of /proc/net/{tcp,tcp6,udp,udp6}. */
export interface ProcNetSocket {
  proto: NetProto;
  /** Local address, decoded: "127.0.0.1", "::", "::1", "fe80::1", "::ffff:127.0.0.1". */
  address: string;
  port: number;
  remoteAddress: string;
  remotePort: number;
  /** The kernel's socket state (include/net/tcp_states.h): 0x0A TCP_LISTEN, 0x07 TCP_CLOSE. */
  state: number;
  /** Socket inode: /proc/PID/fd/N links to "socket:[inode]". 0 for sockets without a file (kernel). */
  inode: number;
}

export const TCP_LISTEN = 0x0a;
/** Open requests: listed with their listener by kernels before 4.4, in the established part since. */
export const TCP_SYN_RECV = 0x03;
/** An unconnected UDP socket is in TCP_CLOSE. */
export const UDP_UNCONNECTED = 0x07;

const HOST_IS_LE = endianness() === "LE";

/**
 * A 32-bit word as the kernel prints it (%08X of the __be32 held in host order) → its 4 bytes
 * in network order.
 */
function wordBytes(hex: string, littleEndian: boolean): number[] | null {
  if (!/^[0-9A-Fa-f]{8}$/.test(hex)) return null;
  const bytes = [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return littleEndian ? bytes.reverse() : bytes;
}

/** RFC 5952 text of 8 16-bit groups: lower case, no leading zeros, the longest run (≥ 2) of zero groups as "::". */
export function formatIpv6(groups: ReadonlyArray<number>): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (g: number): string => g.toString(16);
  if (bestStart < 0) return groups.map(hex).join(":");
  const head = groups.slice(0, bestStart).map(hex).join(":");
  const tail = groups
    .slice(bestStart + bestLength)
    .map(hex)
    .join(":");
  return `${head}::${tail}`;
}

/**
 * The hex address of /proc/net/tcp* ("0100007F", or 32 hex digits for IPv6: four 32-bit words,
 * each in host byte order) → "127.0.0.1" / "::1". null when malformed.
 */
export function decodeHexAddress(hex: string, littleEndian = HOST_IS_LE): string | null {
  if (hex.length === 8) return wordBytes(hex, littleEndian)?.join(".") ?? null;
  if (hex.length !== 32) return null;
  const bytes: number[] = [];
  for (let i = 0; i < 32; i += 8) {
    const word = wordBytes(hex.slice(i, i + 8), littleEndian);
    if (word === null) return null;
    bytes.push(...word);
  }
  // IPv4-mapped (::ffff:a.b.c.d) is shown with the IPv4 part in dotted form, as ss does.
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `::ffff:${bytes.slice(12).join(".")}`;
  }
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  return formatIpv6(groups);
}

function isAllZeroHex(hex: string): boolean {
  return /^0+$/.test(hex);
}

/** "0100007F:0016" → hex address + port; null when malformed. */
function splitEndpoint(text: string): { hex: string; port: number } | null {
  const colon = text.indexOf(":");
  if (colon < 0) return null;
  const port = parseInt(text.slice(colon + 1), 16);
  if (!Number.isInteger(port)) return null;
  return { hex: text.slice(0, colon), port };
}

interface RawRow {
  local: string;
  remote: string;
  state: number;
  inode: string | undefined;
}

/** "  0: 0100007F:0016 00000000:0000 0A ... inode ..." → its fields; null for the header or garbage. */
function splitRow(line: string): RawRow | null {
  const fields = line.trim().split(/\s+/);
  // sl local remote st tx:rx tr:when retrnsmt uid timeout inode
  if (fields.length < 10 || !fields[0]?.endsWith(":")) return null;
  const state = parseInt(fields[3] ?? "", 16);
  if (!Number.isInteger(state)) return null;
  return { local: fields[1] ?? "", remote: fields[2] ?? "", state, inode: fields[9] };
}

/**
 * The state column read by position ("%4d: %08X:%04X %08X:%04X %02X", the addresses having no
 * spaces); -1 when the line does not look like a row (the header). splitRow still validates
 * the whole row.
 */
export function rowState(line: string): number {
  const colon = line.indexOf(": ");
  if (colon < 0) return -1;
  const afterLocal = line.indexOf(" ", colon + 2);
  if (afterLocal < 0) return -1;
  const afterRemote = line.indexOf(" ", afterLocal + 1);
  if (afterRemote < 0) return -1;
  return parseInt(line.slice(afterRemote + 1, afterRemote + 3), 16);
}

function decodeRow(row: RawRow, proto: NetProto, littleEndian: boolean): ProcNetSocket | null {
  const local = splitEndpoint(row.local);
  const remote = splitEndpoint(row.remote);
  if (local === null || remote === null) return null;
  const address = decodeHexAddress(local.hex, littleEndian);
  const remoteAddress = decodeHexAddress(remote.hex, littleEndian);
  const inode = Number(row.inode);
  if (address === null || remoteAddress === null || !Number.isInteger(inode)) return null;
  return {
    proto,
    address,
    port: local.port,
    remoteAddress,
    remotePort: remote.port,
    state: row.state,
    inode,
  };
}

function isListeningRow(row: RawRow, proto: NetProto): boolean {
  if (proto === "tcp" || proto === "tcp6") return row.state === TCP_LISTEN;
  if (row.state !== UDP_UNCONNECTED) return false;
  const remote = splitEndpoint(row.remote);
  return remote !== null && remote.port === 0 && isAllZeroHex(remote.hex);
}

/** Every socket of one /proc/net/{tcp,tcp6,udp,udp6} file. Malformed rows are skipped. */
export function parseProcNet(text: string, proto: NetProto, littleEndian = HOST_IS_LE): ProcNetSocket[] {
  const sockets: ProcNetSocket[] = [];
  for (const line of text.split("\n")) {
    const row = splitRow(line);
    if (row === null) continue;
    const socket = decodeRow(row, proto, littleEndian);
    if (socket !== null) sockets.push(socket);
  }
  return sockets;
}

/**
 * Whether a socket accepts traffic from anyone: TCP in LISTEN; UDP unconnected (state 07 with
 * remote 0:0), the sockets `ss -uln` lists.
 */
export function isListening(socket: ProcNetSocket): boolean {
  if (socket.proto === "tcp" || socket.proto === "tcp6") return socket.state === TCP_LISTEN;
  return (
    socket.state === UDP_UNCONNECTED &&
    socket.remotePort === 0 &&
    (socket.remoteAddress === "0.0.0.0" || socket.remoteAddress === "::")
  );
}

/**
 * The listening sockets of one file. Cheaper than parseProcNet + isListening on a busy host:
 * only listening rows have their addresses decoded.
 */
export function parseListening(text: string, proto: NetProto, littleEndian = HOST_IS_LE): ProcNetSocket[] {
  const wanted = proto === "tcp" || proto === "tcp6" ? TCP_LISTEN : UDP_UNCONNECTED;
  const sockets: ProcNetSocket[] = [];
  for (const line of text.split("\n")) {
    // Established connections are most rows on a busy host: skip them before splitting.
    if (rowState(line) !== wanted) continue;
    const row = splitRow(line);
    if (row === null || !isListeningRow(row, proto)) continue;
    const socket = decodeRow(row, proto, littleEndian);
    if (socket !== null) sockets.push(socket);
  }
  return sockets;
}

/** "tcp6" → "tcp". */
export function protoFamily(proto: NetProto): "tcp" | "udp" {
  return proto === "tcp" || proto === "tcp6" ? "tcp" : "udp";
}
