const RATE_UNITS = ["B/s", "KiB/s", "MiB/s", "GiB/s", "TiB/s"] as const;

/** A short number: integers as is, others with at most `digits` decimals and no trailing zeros. */
export function formatNumber(value: number, digits = 1): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(digits)));
}

function rateUnitIndex(bytesPerS: number): number {
  let index = 0;
  while (index < RATE_UNITS.length - 1 && Math.abs(bytesPerS) >= 1024 ** (index + 1)) index++;
  return index;
}

/** "0 B/s", "512 B/s", "1.5 KiB/s", "200 MiB/s". */
export function formatBytesPerSecond(bytesPerS: number): string {
  const index = rateUnitIndex(bytesPerS);
  return `${formatNumber(bytesPerS / 1024 ** index)} ${RATE_UNITS[index]}`;
}

/**
 * A tick step for a bytes/s axis up to `max` that is round in the unit the labels use
 * (200 KiB/s rather than 195.3 KiB/s from a decimal 200,000).
 */
export function bytesPerSecondStep(max: number): number {
  if (!(max > 0)) return 1;
  const unit = 1024 ** rateUnitIndex(max);
  const raw = max / unit / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const nice = [1, 2, 5, 10].find((f) => f * magnitude >= raw)! * magnitude;
  return Math.max(1, nice * unit);
}
