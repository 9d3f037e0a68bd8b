/**
 * What a plain-HTTP poll got back when the answer did not parse as HTTP (Node's llhttp hands over
 * the first bytes as `rawPacket`). Pure: the bytes in, a sysadmin's sentence out.
 */
export function describeNotHttp(raw: Buffer | undefined, parserReason: string): string {
  if (raw !== undefined && looksLikeTls(raw)) {
    return `bad response: not HTTP, the agent's port speaks TLS (set "tls": true for this agent)`;
  }
  if (raw !== undefined && raw.subarray(0, 5).toString("latin1") === "HTTP/") {
    // An HTTP status line followed by something llhttp refuses (bad header, bad chunk size, …).
    return `bad response: malformed HTTP (${parserReason})`;
  }
  const seen = raw === undefined || raw.length === 0 ? "" : `: ${preview(raw)}`;
  return `bad response: not HTTP (is this the agent's port? it answered with something else${seen})`;
}

/**
 * A TLS record header: content type change_cipher_spec, alert, handshake or application_data
 * (0x14–0x17), then major version 3. A TLS server that gets a plaintext request may answer with
 * an alert (0x15 0x03) or, in the case, a handshake record (0x16 0x03).
 */
export function looksLikeTls(raw: Buffer): boolean {
  const type = raw[0];
  return type !== undefined && type >= 0x14 && type <= 0x17 && raw[1] === 0x03;
}

/** The first bytes as quoted text if they are printable (a banner like "SSH-2.0-…"), else as hex. */
function preview(raw: Buffer, max = 32): string {
  const head = raw.subarray(0, max);
  const printable = head.every((byte) => (byte >= 0x20 && byte < 0x7f) || byte === 0x0d || byte === 0x0a);
  const more = raw.length > max ? "…" : "";
  if (printable) {
    const text = head.toString("latin1").split(/\r?\n/, 1)[0] ?? "";
    return JSON.stringify(text + (text.length < head.length ? "" : more));
  }
  const hex = [...head.subarray(0, 8)].map((byte) => byte.toString(16).padStart(2, "0")).join(" ");
  return `bytes ${hex}${raw.length > 8 ? " …" : ""}`;
}
