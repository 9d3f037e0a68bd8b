import type { ScaleOptions } from "chart.js";
import { addDays, addMinutes, format, startOfDay, startOfHour, startOfWeek } from "date-fns";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type TickUnit = "minute" | "hour" | "day";

const STEPS: ReadonlyArray<{ unit: TickUnit; step: number; ms: number }> = [
  ...[1, 2, 5, 10, 15, 30].map((step) => ({ unit: "minute" as const, step, ms: step * MINUTE })),
  ...[1, 2, 3, 4, 6, 8, 12].map((step) => ({ unit: "hour" as const, step, ms: step * HOUR })),
  ...[1, 2, 3, 5, 7, 14, 30, 61, 91].map((step) => ({ unit: "day" as const, step, ms: step * DAY })),
];

export interface TimeTicks {
  unit: TickUnit;
  /** Units between ticks. */
  step: number;
  /** date-fns format of the labels. */
  format: string;
  /** Tick times, epoch ms, on round local times (HH:00, midnight) inside [from, to]. */
  ticks: number[];
}

/**
 * Ticks for a range in the process's local time zone: "HH:mm" up to a day, "EEE HH:mm" up to
 * four days, "MMM d" beyond; a step from a fixed list so that at most ~8 labels fit.
 */
export function timeTicks(from: number, to: number): TimeTicks {
  const span = Math.max(to - from, MINUTE);
  const fmt = span <= DAY + MINUTE ? "HH:mm" : span <= 4 * DAY + MINUTE ? "EEE HH:mm" : "MMM d";
  // "EEE HH:mm" labels are wider, so fewer of them
  const maxIntervals = fmt === "EEE HH:mm" ? 6 : 8;
  const choice = STEPS.find((s) => span / s.ms <= maxIntervals) ?? STEPS[STEPS.length - 1]!;
  return { unit: choice.unit, step: choice.step, format: fmt, ticks: alignedTicks(from, to, choice) };
}

function alignedTicks(from: number, to: number, { unit, step }: { unit: TickUnit; step: number }): number[] {
  const ticks: number[] = [];
  const push = (t: number): void => {
    if (t >= from && t <= to) ticks.push(t);
  };
  if (unit === "minute") {
    for (let t = startOfHour(from); t.getTime() <= to; t = addMinutes(t, step)) push(t.getTime());
  } else if (unit === "hour") {
    // hour by hour of each local day, so DST changes keep ticks on 00:00, 06:00, 12:00 ...
    for (let day = startOfDay(from); day.getTime() <= to; day = addDays(day, 1)) {
      for (let hour = 0; hour < 24; hour += step) {
        push(new Date(day.getFullYear(), day.getMonth(), day.getDate(), hour).getTime());
      }
    }
  } else {
    const first = step === 7 ? startOfWeek(from, { weekStartsOn: 1 }) : startOfDay(from);
    for (let t = first; t.getTime() <= to; t = addDays(t, step)) push(t.getTime());
  }
  return ticks;
}

/** The x axis every time-series chart of a run shares: min / max = the range, so pages line up. */
export function timeAxis(from: number, to: number): ScaleOptions<"time"> {
  const { unit, format: fmt, ticks } = timeTicks(from, to);
  return {
    type: "time",
    min: from,
    max: to,
    offset: false,
    time: { unit, displayFormats: { [unit]: fmt } },
    ticks: {
      source: "auto",
      autoSkip: true,
      maxRotation: 0,
      maxTicksLimit: Math.max(ticks.length, 2),
      callback: (value) => format(Number(value), fmt),
    },
    afterBuildTicks: (axis) => {
      axis.ticks = ticks.map((value) => ({ value }));
    },
    grid: { drawTicks: true },
  };
}
