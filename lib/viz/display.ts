/**
 * Notebook display helpers. Inside a tslab kernel they show rich output through `tslab.display`; anywhere else
 * (tsx scripts, tests, CI) they fall back to a one-line text note, or write the picture to $VIZ_OUT_DIR when set.
 *
 * tslab is required lazily, only inside a kernel, so lib/viz works (and loads fast) outside notebooks.
 * SVG charts go through `display.html`, because nbconvert's HTML export drops image/svg+xml outputs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Picture } from "./png";

/** The part of tslab's API used here (`import * as tslab from "tslab"`). */
export interface TslabDisplay {
  html(s: string): void;
  svg(s: string): void;
  png(b: Uint8Array): void;
  markdown(s: string): void;
  text(s: string): void;
}
interface TslabApi {
  display: TslabDisplay;
  newDisplay(): TslabDisplay;
}

let tslabCache: TslabApi | null | undefined;

/** True when running inside a tslab (Jupyter) kernel. */
export function inNotebook(): boolean {
  return typeof (globalThis as { __tslab__?: unknown }).__tslab__ !== "undefined";
}

/** tslab's module when inside a kernel, else null. Loaded on first use. */
export function getTslab(): TslabApi | null {
  if (tslabCache !== undefined) return tslabCache;
  if (!inNotebook() || typeof require === "undefined") return (tslabCache = null);
  try {
    tslabCache = require("tslab") as TslabApi;
  } catch {
    tslabCache = null;
  }
  return tslabCache;
}

/** What to show, as handed to the fallback outside a kernel. */
export interface DisplayItem {
  kind: "html" | "svg" | "png" | "text";
  /** Markup or text for html/svg/text; PNG bytes for png. */
  content: string | Uint8Array;
  /** Short description, e.g. "png 330x330". */
  summary: string;
}

/** Called instead of tslab outside a kernel. */
export type DisplayFallback = (item: DisplayItem) => void;

let fileCounter = 0;

/** Default fallback: write to $VIZ_OUT_DIR if set (and say where), else print a one-line note. */
export const defaultFallback: DisplayFallback = (item) => {
  const dir = process.env.VIZ_OUT_DIR;
  if (dir) {
    fs.mkdirSync(dir, { recursive: true });
    const ext = item.kind === "text" ? "txt" : item.kind;
    const file = path.join(dir, `display-${String(++fileCounter).padStart(3, "0")}.${ext}`);
    fs.writeFileSync(file, item.content);
    console.log(`[${item.summary} written to ${file}]`);
  } else if (item.kind === "text") {
    console.log(item.content as string);
  } else {
    console.log(`[${item.summary}: shown in notebooks; set VIZ_OUT_DIR to save it]`);
  }
};

let fallback: DisplayFallback = defaultFallback;

/** Replace the outside-a-kernel behaviour (tests use this to capture output). Returns the previous fallback. */
export function setDisplayFallback(fn: DisplayFallback): DisplayFallback {
  const prev = fallback;
  fallback = fn;
  return prev;
}

/** Show an HTML snippet. */
export function showHtml(html: string): void {
  const t = getTslab();
  if (t) t.display.html(html);
  else fallback({ kind: "html", content: html, summary: `html (${html.length} chars)` });
}

/** Show an SVG chart (as HTML, so nbconvert HTML exports keep it). */
export function showSvg(svg: string): void {
  const t = getTslab();
  if (t) t.display.html(svg);
  else {
    const m = /<title>([^<]*)<\/title>/.exec(svg);
    fallback({ kind: "svg", content: svg, summary: `svg chart${m ? ` "${m[1]}"` : ""}` });
  }
}

function pngSize(png: Uint8Array): string {
  if (png.length >= 24) {
    const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
    return `${v.getUint32(16)}x${v.getUint32(20)}`;
  }
  return "?";
}

/**
 * Show a PNG: raw PNG bytes, or a `Picture` from lib/viz/png (then its HTML with labels is shown when it has
 * any, so class names appear next to the image).
 */
export function showPng(png: Uint8Array | Picture): void {
  if (!(png instanceof Uint8Array)) {
    showPicture(png);
    return;
  }
  const t = getTslab();
  if (t) t.display.png(png);
  else fallback({ kind: "png", content: png, summary: `png ${pngSize(png)}` });
}

/** Show a labelled `Picture` (its HTML: PNG plus class-name labels). */
export function showPicture(pic: Picture): void {
  const t = getTslab();
  if (t) t.display.html(pic.html);
  else fallback({ kind: "png", content: pic.png, summary: `png ${pic.width}x${pic.height}` });
}

/** Show plain text (printed as is outside a kernel). */
export function showText(text: string): void {
  const t = getTslab();
  if (t) t.display.text(text);
  else fallback({ kind: "text", content: text, summary: "text" });
}

/** Show anything the viz functions return: an SVG string, other HTML strings, PNG bytes or a Picture. */
export function show(x: string | Uint8Array | Picture): void {
  if (typeof x === "string") {
    if (/^\s*<svg[\s>]/.test(x)) showSvg(x);
    else showHtml(x);
  } else {
    showPng(x);
  }
}
