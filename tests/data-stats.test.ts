import { describe, expect, it } from "vitest";
import { classMeans, pixelHistogram } from "../lib/data";

describe("dataset statistics", () => {
  it("classMeans: [3072, C] mean image per class on the [0, 1] scale", () => {
    const images = new Uint8Array(3 * 3072);
    images.fill(255, 0, 3072); // image 0 (class 1): white
    images[3072 + 5] = 51; // image 1 (class 1): one red value
    images.fill(102, 2 * 3072); // image 2 (class 0): constant
    const m = classMeans(images, [1, 1, 0], 3);
    expect(m.shape).toEqual([3072, 3]);
    expect(m.data[5 * 3 + 1]).toBeCloseTo((255 + 51) / 2 / 255, 12);
    expect(m.data[6 * 3 + 1]).toBeCloseTo(0.5, 12);
    expect(m.data[3071 * 3 + 0]).toBeCloseTo(0.4, 12);
    expect(m.data[7 * 3 + 2]).toBe(0); // class without images
    expect(() => classMeans(images, [0, 1], 3)).toThrow(/2 labels/);
  });

  it("pixelHistogram counts bytes per channel", () => {
    const images = new Uint8Array(2 * 3072);
    images.fill(0, 0, 1024); // R of image 0: 1024 zeros
    images.fill(255, 1024, 2048); // G of image 0
    images.fill(128, 2048, 3072); // B of image 0
    images.fill(7, 3072); // image 1: all channels 7
    const h = pixelHistogram(images, 4);
    expect(Array.from(h.r)).toEqual([2048, 0, 0, 0]);
    expect(Array.from(h.g)).toEqual([1024, 0, 0, 1024]);
    expect(Array.from(h.b)).toEqual([1024, 0, 1024, 0]);
    expect(h.binCenters).toEqual([32, 96, 160, 224]);
    expect(() => pixelHistogram(images, 0)).toThrow(/bins/);
  });
});
