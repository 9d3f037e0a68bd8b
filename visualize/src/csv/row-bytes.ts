const CHUNK_BYTES = 256 * 1024;
/** Room a number needs at most: 25 characters (-0.0000012345678901234567) and its comma. */
const NUMBER_ROOM = 26;
/** Room the time, the line break and the agent's comma need. */
const ROW_ROOM = 32;
const COMMA = 44;
const DOT = 46;
const MINUS = 45;
const DIGIT_0 = 48;
/** Below this, a value with two decimals or fewer is written from its hundredths (no exponent). */
const MAX_HUNDREDTHS = 1e15;

/**
 * CSV rows written straight into buffers: building them as strings (a template per row, a
 * String() per number) cost more than drawing the charts of a month, and was most of the
 * garbage collector's work.
 */
export class RowBytes {
  private readonly chunks: Buffer[] = [];
  private buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private at = 0;
  private minute = Number.NaN;
  private readonly minuteBytes = Buffer.alloc(17);

  /** Starts a row: makes room for it (the agent's bytes, a time and `numbers` numbers). */
  startRow(fieldBytes: number, numbers: number): void {
    const room = fieldBytes + ROW_ROOM + numbers * NUMBER_ROOM;
    if (this.at + room > this.buffer.length) {
      this.chunks.push(this.buffer.subarray(0, this.at));
      this.buffer = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, room));
      this.at = 0;
    }
  }

  bytes(bytes: Uint8Array): void {
    this.buffer.set(bytes, this.at);
    this.at += bytes.length;
  }

  byte(code: number): void {
    this.buffer[this.at++] = code;
  }

  comma(): void {
    this.buffer[this.at++] = COMMA;
  }

  /** An ASCII text (a number or time as JavaScript prints it). */
  ascii(text: string): void {
    const { buffer } = this;
    for (let i = 0; i < text.length; i++) buffer[this.at++] = text.charCodeAt(i);
  }

  /** new Date(time).toISOString(), the date and minute encoded once per minute. */
  isoTime(time: number): void {
    const minute = Math.floor(time / 60_000) * 60_000;
    const ms = time - minute;
    if (!Number.isInteger(ms)) return this.ascii(new Date(time).toISOString());
    if (minute !== this.minute) {
      const iso = new Date(minute).toISOString();
      // years before 0 or after 9999 have a longer form
      if (iso.length !== 24) return this.ascii(new Date(time).toISOString());
      this.minute = minute;
      this.minuteBytes.write(iso.slice(0, 17), "latin1");
    }
    this.bytes(this.minuteBytes);
    const seconds = Math.floor(ms / 1000);
    const millis = ms % 1000;
    const { buffer } = this;
    buffer[this.at++] = DIGIT_0 + Math.floor(seconds / 10);
    buffer[this.at++] = DIGIT_0 + (seconds % 10);
    buffer[this.at++] = DOT;
    buffer[this.at++] = DIGIT_0 + Math.floor(millis / 100);
    buffer[this.at++] = DIGIT_0 + (Math.floor(millis / 10) % 10);
    buffer[this.at++] = DIGIT_0 + (millis % 10);
    buffer[this.at++] = 90; // Z
  }

  /** String(value), nothing for a missing (non-finite) value. */
  number(value: number): void {
    if (!Number.isFinite(value)) return;
    // most figures have at most two decimals: their digits are written from an integer
    const hundredths = Math.round(value * 100);
    if (hundredths / 100 !== value || Math.abs(hundredths) > MAX_HUNDREDTHS) return this.ascii(String(value));
    let rest = hundredths;
    if (rest < 0) {
      this.buffer[this.at++] = MINUS;
      rest = -rest;
    }
    const whole = Math.floor(rest / 100);
    const fraction = rest - whole * 100;
    this.digits(whole);
    if (fraction === 0) return;
    this.buffer[this.at++] = DOT;
    this.buffer[this.at++] = DIGIT_0 + Math.floor(fraction / 10);
    if (fraction % 10 !== 0) this.buffer[this.at++] = DIGIT_0 + (fraction % 10);
  }

  /** The chunks written so far; the writer is done. */
  finish(): Buffer[] {
    if (this.at > 0) this.chunks.push(this.buffer.subarray(0, this.at));
    this.at = 0;
    return this.chunks;
  }

  /** A non-negative integer below 1e13, in decimal. */
  private digits(value: number): void {
    let length = 1;
    for (let bound = 10; value >= bound; bound *= 10) length++;
    const { buffer } = this;
    let rest = value;
    for (let i = this.at + length - 1; i >= this.at; i--) {
      const next = Math.floor(rest / 10);
      buffer[i] = DIGIT_0 + (rest - next * 10);
      rest = next;
    }
    this.at += length;
  }
}
