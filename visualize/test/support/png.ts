import { createCanvas, loadImage } from "@napi-rs/canvas";

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the IHDR chunk; throws when the bytes are not a PNG. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const buffer = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (!SIGNATURE.every((byte, i) => buffer[i] === byte)) throw new Error("not a PNG signature");
  if (buffer.toString("latin1", 12, 16) !== "IHDR") throw new Error("first chunk is not IHDR");
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}

/** Decoded RGBA pixels of a PNG (in region when given), via @napi-rs/canvas. */
export async function pngPixels(
  png: Buffer,
  region?: { x: number; y: number; width: number; height: number },
): Promise<Uint8ClampedArray> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext("2d");
  ctx.drawImage(image, 0, 0);
  const r = region ?? { x: 0, y: 0, width: image.width, height: image.height };
  return ctx.getImageData(r.x, r.y, r.width, r.height).data;
}

/** Share of pixels that are clearly not white, and the variance of their brightness. */
export function inkStats(rgba: Uint8ClampedArray): { ink: number; variance: number } {
  let ink = 0;
  let sum = 0;
  let sumSquares = 0;
  const n = rgba.length / 4;
  for (let i = 0; i < rgba.length; i += 4) {
    const brightness = (rgba[i]! + rgba[i + 1]! + rgba[i + 2]!) / 3;
    if (brightness < 230) ink++;
    sum += brightness;
    sumSquares += brightness * brightness;
  }
  const mean = sum / n;
  return { ink: ink / n, variance: sumSquares / n - mean * mean };
}
