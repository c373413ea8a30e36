import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  defaultFallback, encodePng, getNotebookDisplay, inNotebook, lineChart, progress, sampleGrid, setDisplayFallback, show, showHtml,
  showPng, showSvg, type DisplayItem,
} from "../lib/viz";
import { generateSynthetic } from "../lib/data";

afterEach(() => {
  setDisplayFallback(defaultFallback);
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("display helpers outside a notebook", () => {
  it("do not load tslab and hand items to the fallback", () => {
    expect(inNotebook()).toBe(false);
    expect(getNotebookDisplay()).toBeNull();
    const items: DisplayItem[] = [];
    setDisplayFallback((it) => items.push(it));
    const svg = lineChart({ name: "a", y: [1, 2] }, { title: "Loss" });
    showSvg(svg);
    show(svg);
    showHtml("<b>hi</b>");
    show("<i>x</i>");
    const png = encodePng(new Uint8Array(12), 2, 2);
    showPng(png);
    const ds = generateSynthetic({ numTrain: 20, numTest: 0 });
    show(sampleGrid({ images: ds.trainImages, labels: ds.trainLabels, classNames: ds.classNames }, { perClass: 1 }));
    expect(items.map((i) => i.kind)).toEqual(["svg", "svg", "html", "html", "png", "png"]);
    expect(items[0].summary).toBe('svg chart "Loss"');
    expect(items[4].summary).toBe("png 2x2");
    expect(items[5].summary).toMatch(/^png \d+x\d+$/);
  });

  it("default fallback prints a note, or writes files to VIZ_OUT_DIR", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    vi.stubEnv("VIZ_OUT_DIR", "");
    showSvg("<svg xmlns=\"http://www.w3.org/2000/svg\"><title>T</title></svg>");
    expect(log.mock.calls[0][0]).toMatch(/svg chart "T": shown in notebooks/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "viz-out-"));
    try {
      vi.stubEnv("VIZ_OUT_DIR", dir);
      showPng(encodePng(new Uint8Array(3), 1, 1));
      const files = fs.readdirSync(dir);
      expect(files.length).toBe(1);
      expect(files[0]).toMatch(/\.png$/);
      expect(fs.readFileSync(path.join(dir, files[0])).subarray(1, 4).toString()).toBe("PNG");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 200, write: (s: string) => { writes.push(s); return true; } } as unknown as NodeJS.WritableStream & { isTTY?: boolean } };
}

describe("progress", () => {
  it("auto mode outside a notebook: lines when stderr is not a TTY, a rewritten line on a TTY", () => {
    expect(progress({ stream: fakeStream(false).stream }).mode).toBe("lines");
    expect(progress({ stream: fakeStream(true).stream }).mode).toBe("tty");
  });

  it("lines mode prints about every 10% plus the final line", () => {
    const { writes, stream } = fakeStream(false);
    let t = 0;
    const bar = progress({ total: 1000, label: "train", stream, now: () => t });
    for (let i = 1; i <= 1000; i++) {
      t += 2;
      bar.update(i, { loss: 2.5 - i / 1000 });
    }
    bar.done({ loss: 1.5, acc: 0.42 });
    expect(writes.length).toBe(12); // first update (0%), 10%, 20%, ... 100%, then done with new numbers
    expect(writes.every((w) => w.endsWith("\n"))).toBe(true);
    expect(writes[0]).toMatch(/^train\s+0% 1\/1000/);
    expect(writes[1]).toMatch(/^train\s+10% 100\/1000\s+\[eta 1\.8s, 500 it\/s\]\s+loss 2\.400\b/);
    expect(writes[11]).toMatch(/100% 1000\/1000\s+\[2\.0s, 500 it\/s\]\s+loss 1\.500\b\s+acc 0\.4200/);
    bar.update(5);
    expect(writes.length).toBe(12); // ignored after done
  });

  it("tty mode rewrites one line, throttled, and ends it with a newline", () => {
    const { writes, stream } = fakeStream(true);
    let t = 0;
    const bar = progress({ total: 100, stream, now: () => t, minIntervalMs: 100 });
    for (let i = 1; i <= 100; i++) {
      t += 10; // 1 s in total -> about 10 redraws
      bar.tick();
    }
    bar.done();
    expect(writes.length).toBeGreaterThanOrEqual(9);
    expect(writes.length).toBeLessThanOrEqual(12);
    expect(writes.every((w) => w.startsWith("\r\x1b[K"))).toBe(true);
    expect(writes.at(-1)).toMatch(/\|#{20}\| 100% 100\/100.*\n$/);
    expect(writes.slice(0, -1).every((w) => !w.includes("\n"))).toBe(true);
  });

  it("unknown total and silent mode", () => {
    const { writes, stream } = fakeStream(false);
    let t = 0;
    const bar = progress({ stream, now: () => t, unit: "img" });
    for (let i = 0; i < 50; i++) { t += 1000; bar.tick(10); }
    bar.done();
    expect(writes.length).toBe(5); // every 10 s; done() adds nothing new (same count, no new numbers)
    expect(writes[0]).toMatch(/^100 img\s+\[10s, 10.0 img\/s\]/);
    const quiet = fakeStream(false);
    const s = progress({ stream: quiet.stream, mode: "silent", total: 3 });
    s.update(3);
    s.done();
    expect(quiet.writes).toEqual([]);
  });
});
