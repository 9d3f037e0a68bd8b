import { readdir } from "node:fs/promises";
import path from "node:path";

/**
 * How a configured file (dir/metrics_data.jsonl) maps to the files on disk:
 *   dir/metrics_data-2026-11-22.jsonl           the day's first file
 *   dir/metrics_data-2026-11-22.3.jsonl         the day's 4th file (size rotation)
 *   dir/metrics_data-2026-11-22.2.jsonl.gz      an archive
 *   dir/metrics_data.jsonl                      symlink to the file being written
 * Dates are UTC, the date the line was written.
 */
export interface RotationNames {
  dir: string;
  /** The configured file name: the symlink to the current file. */
  link: string;
  stem: string;
  ext: string;
}

export interface RotatedFile {
  path: string;
  /** YYYY-MM-DD */
  date: string;
  /** 0 for the day's first file. */
  counter: number;
  gzipped: boolean;
}

export function rotationNames(file: string): RotationNames {
  const link = path.basename(file);
  const ext = path.extname(link);
  return { dir: path.dirname(file), link, stem: path.basename(link, ext), ext };
}

export function parseRotatedName(names: RotationNames, name: string): RotatedFile | undefined {
  if (!name.startsWith(`${names.stem}-`)) return undefined;
  let rest = name.slice(names.stem.length + 1);
  const gzipped = rest.endsWith(".gz");
  if (gzipped) rest = rest.slice(0, -3);
  if (!rest.endsWith(names.ext)) return undefined;
  rest = rest.slice(0, rest.length - names.ext.length);
  const match = /^(\d{4}-\d{2}-\d{2})(?:\.(\d+))?$/.exec(rest);
  if (match === null) return undefined;
  return {
    path: path.join(names.dir, name),
    date: match[1] ?? "",
    counter: Number(match[2] ?? 0),
    gzipped,
  };
}

/** Identifies a file whether or not it has been gzipped yet. */
export function rotationKey(file: RotatedFile): string {
  return `${file.date}.${String(file.counter).padStart(9, "0")}`;
}

/** Every current and archived file of `file`, oldest first (an archive before its plain twin). */
export async function listRotatedFiles(file: string): Promise<RotatedFile[]> {
  const names = rotationNames(file);
  let entries: string[];
  try {
    entries = await readdir(names.dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const files = entries.flatMap((entry) => parseRotatedName(names, entry) ?? []);
  return files.sort(
    (a, b) => rotationKey(a).localeCompare(rotationKey(b)) || Number(b.gzipped) - Number(a.gzipped),
  );
}
