/** Text for a value that is absent. */
export const NONE = "—";

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** The UTC offset of the process's local time zone at that instant, "+02:00". */
function localOffset(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes >= 0 ? "+" : "-";
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function localParts(date: Date): { day: string; time: string } {
  return {
    day: `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`,
    time: `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`,
  };
}

/** ISO 8601 in the server's local time with its offset, "2024-05-01T14:03:22+02:00" (a valid datetime). */
export function isoLocal(ms: number): string {
  const date = new Date(ms);
  const { day, time } = localParts(date);
  return `${day}T${time}${localOffset(date)}`;
}

/**
 * What a reader sees, "2024-05-01 14:03:22 +02:00". The pages' local-time script produces the same
 * shape in the browser's zone, so keep the two in step.
 */
export function displayLocal(ms: number): string {
  const date = new Date(ms);
  const { day, time } = localParts(date);
  return `${day} ${time} ${localOffset(date)}`;
}

/** "just now", "40 s ago", "2 min ago", "5 h ago", "3 d ago", relative to `now`. */
export function relativeTime(ms: number, now: number): string {
  const seconds = Math.round((now - ms) / 1000);
  if (seconds < 5) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

function finite(value: number | null | undefined): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

export function formatPercent(value: number | null | undefined): string {
  return finite(value) ? `${value.toFixed(1)}%` : NONE;
}

export function formatNumber(value: number | null | undefined, digits = 2): string {
  return finite(value) ? value.toFixed(digits) : NONE;
}

export function formatCelsius(value: number | null | undefined): string {
  return finite(value) ? `${value.toFixed(1)} °C` : NONE;
}

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

export function formatBytes(value: number | null | undefined): string {
  if (!finite(value)) return NONE;
  let v = value;
  let unit = 0;
  while (Math.abs(v) >= 1024 && unit < BYTE_UNITS.length - 1) {
    v /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(v)} B` : `${v.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** "3 d 4 h", "4 h 12 min", "12 min", "40 s". */
export function formatDuration(seconds: number | null | undefined): string {
  if (!finite(seconds) || seconds < 0) return NONE;
  const s = Math.floor(seconds);
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return `${minutes} min`;
  return `${s} s`;
}
