const POWERS_OF_TEN = Array.from({ length: 16 }, (_, i) => 10 ** i);

/**
 * JSON numbers read in place, without cutting them out of the text: reading a history's compact
 * lines is mostly this (series-line.ts). Up to 15 digits and no exponent, the digits as an
 * integer divided by a power of ten is exactly what Number() gives (both are exact, so the
 * division rounds correctly), without a substring per number.
 */
export class JsonNumbers {
  /** Where the number last read ends. */
  end = 0;

  /** The JSON number at `at`, NaN when there is none (null); sets `end`. */
  read(text: string, at: number): number {
    let i = at;
    const negative = text.charCodeAt(i) === MINUS;
    if (negative) i++;
    let digits = 0;
    let decimals = 0;
    let mantissa = 0;
    let code = text.charCodeAt(i);
    for (; code >= DIGIT_0 && code <= DIGIT_9; code = text.charCodeAt(++i)) {
      mantissa = mantissa * 10 + (code - DIGIT_0);
      digits++;
    }
    if (code === DOT) {
      for (code = text.charCodeAt(++i); code >= DIGIT_0 && code <= DIGIT_9; code = text.charCodeAt(++i)) {
        mantissa = mantissa * 10 + (code - DIGIT_0);
        digits++;
        decimals++;
      }
    }
    if (digits === 0 || digits > 15 || code === LOWER_E || code === UPPER_E) return this.slowRead(text, at);
    this.end = i;
    const value = mantissa / (POWERS_OF_TEN[decimals] as number);
    return negative ? -value : value;
  }

  private slowRead(text: string, at: number): number {
    let end = at;
    while (isNumberChar(text.charCodeAt(end))) end++;
    this.end = end;
    return end > at ? Number(text.slice(at, end)) : Number.NaN;
  }
}

const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const LOWER_E = 101;
const UPPER_E = 69;
function isNumberChar(code: number): boolean {
  return (
    (code >= DIGIT_0 && code <= DIGIT_9) ||
    code === MINUS ||
    code === PLUS ||
    code === DOT ||
    code === LOWER_E ||
    code === UPPER_E
  );
}
