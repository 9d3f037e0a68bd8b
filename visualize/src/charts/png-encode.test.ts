import { describe, expect, it } from "vitest";
import { encodeOpaquePng } from "./png-encode.js";
import { pngPixels, pngSize } from "../../test/support/png.js";

describe("encodeOpaquePng", () => {
  it("writes a PNG that decodes to the same pixels", async () => {
    const width = 7;
    const height = 5;
    const rgba = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++)
      rgba.set([(i * 37) % 256, (i * 11) % 256, (i * 5) % 256, 255], i * 4);
    const png = await encodeOpaquePng(rgba, width, height);
    expect(pngSize(png)).toEqual({ width, height });
    expect([...(await pngPixels(png))]).toEqual([...rgba]);
  });

  it("rejects a buffer of the wrong size", async () => {
    await expect(encodeOpaquePng(new Uint8Array(10), 2, 2)).rejects.toThrow(/16 bytes/);
  });
});
