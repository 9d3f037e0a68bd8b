import { execFile } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { listReferencedFiles } from "../src/dashboard/index.js";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const VISUALIZE_MAIN = path.join(REPO_ROOT, "dist/visualize/src/main.js");
const run = promisify(execFile);

export interface VisualizeRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI to completion. */
export async function runVisualize(args: string[], timeoutMs = 60_000): Promise<VisualizeRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, [VISUALIZE_MAIN, ...args], { timeout: timeoutMs });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Every HTML page under dir, relative to it. */
export function htmlPages(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((file) => file.endsWith(".html"));
}

/** References in the pages that point at no file (should be none). */
export function brokenReferences(dir: string): string[] {
  const broken: string[] = [];
  for (const page of htmlPages(dir)) {
    const html = readFileSync(path.join(dir, page), "utf8");
    for (const target of listReferencedFiles(html)) {
      const file = path.resolve(dir, path.dirname(page), target);
      if (!statSync(file, { throwIfNoEntry: false })?.isFile()) broken.push(`${page} -> ${target}`);
    }
  }
  return broken;
}

/** Width and height from a PNG's IHDR chunk; throws when the bytes are not a PNG. */
export function pngSize(bytes: Buffer): { width: number; height: number } {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!bytes.subarray(0, 8).equals(signature) || bytes.toString("latin1", 12, 16) !== "IHDR")
    throw new Error("not a PNG");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Share of pixels that are not (nearly) white and the number of distinct colours: a blank PNG has neither. */
export async function pixelStats(bytes: Buffer): Promise<{ inked: number; colours: number }> {
  const { createCanvas, loadImage } = await import("@napi-rs/canvas");
  const image = await loadImage(bytes);
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const { data } = context.getImageData(0, 0, image.width, image.height);
  let inked = 0;
  const colours = new Set<number>();
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
    if (r < 235 || g < 235 || b < 235) inked++;
    if (colours.size < 1000) colours.add((r << 16) | (g << 8) | b);
  }
  return { inked: inked / (data.length / 4), colours: colours.size };
}
