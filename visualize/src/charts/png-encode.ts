import { promisify } from "node:util";
import zlib from "node:zlib";

const deflate = promisify(zlib.deflate);

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(data, zlib.crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A PNG (8-bit RGBA, no row filters) of an opaque RGBA pixel buffer, deflated on the libuv
 * pool. Skia's encoder tries every row filter at zlib level 6 and takes ~50 ms for a
 * 1600×600 chart; this takes ~15 ms for a file ~25% larger. The pixels must be opaque:
 * canvas data is premultiplied, which equals straight alpha only at alpha 255.
 */
export async function encodeOpaquePng(
  rgba: Uint8Array,
  width: number,
  height: number,
  level = 3,
): Promise<Buffer> {
  const stride = width * 4;
  if (rgba.length !== stride * height)
    throw new Error(`expected ${stride * height} bytes of RGBA, got ${rgba.length}`);
  const rows = Buffer.allocUnsafe(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const offset = y * (stride + 1);
    rows[offset] = 0;
    rows.set(rgba.subarray(y * stride, (y + 1) * stride), offset + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  const idat = await deflate(rows, { level });
  return Buffer.concat([
    SIGNATURE,
    chunk("IHDR", header),
    chunk("IDAT", idat),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
