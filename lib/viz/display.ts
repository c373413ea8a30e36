/**
 * Notebook display helpers, one adapter for both course kernels: inside tslab they show rich output through
 * `tslab.display`, inside Deno's kernel through `Deno.jupyter.display` (MIME bundles); anywhere else (tsx
 * scripts, tests, CI) they fall back to a one-line text note, or write the picture to $VIZ_OUT_DIR when set.
 *
 * tslab is required lazily, only inside its kernel, so lib/viz works (and loads fast) outside notebooks.
 * SVG charts go through `display.html`, because nbconvert's HTML export drops image/svg+xml outputs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { currentKernel, denoJupyter, type DenoJupyterApi } from "../kernel";
import type { Picture } from "./png";

/** What a kernel can show: tslab's display API, which the Deno adapter below also implements. */
export interface NotebookDisplay {
  html(s: string): void;
  svg(s: string): void;
  png(b: Uint8Array): void;
  markdown(s: string): void;
  text(s: string): void;
}
export interface NotebookApi {
  display: NotebookDisplay;
  /** An output area that each call replaces (progress bars). */
  newDisplay(): NotebookDisplay;
}

let apiCache: NotebookApi | null | undefined;

/** True when running inside a notebook kernel (tslab or Deno). */
export function inNotebook(): boolean {
  return currentKernel() !== null;
}

/** The running kernel's display API (tslab's module, or the Deno adapter), else null. Loaded on first use. */
export function getNotebookDisplay(): NotebookApi | null {
  if (apiCache !== undefined) return apiCache;
  const kernel = currentKernel();
  if (kernel === "deno") return (apiCache = denoDisplayApi(denoJupyter()!));
  if (kernel !== "tslab" || typeof require === "undefined") return (apiCache = null);
  try {
    apiCache = require("tslab") as NotebookApi;
  } catch {
    apiCache = null;
  }
  return apiCache;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

let denoDisplayCounter = 0;

/**
 * tslab's API on top of Deno.jupyter.display. Deno's display is asynchronous (a promise per message, sent in
 * order); its errors are only logged, as tslab's would be.
 */
function denoDisplayApi(jupyter: DenoJupyterApi): NotebookApi {
  const area = (displayId?: string): NotebookDisplay => {
    let shown = false;
    const send = (bundle: Record<string, string>): void => {
      const options = displayId === undefined ? { raw: true } : { raw: true, display_id: displayId, update: shown };
      shown = true;
      jupyter.display(bundle, options).catch((e: unknown) => console.error("display failed:", e));
    };
    return {
      html: (s) => send({ "text/html": s }),
      svg: (s) => send({ "image/svg+xml": s }),
      png: (b) => send({ "image/png": base64(b) }),
      markdown: (s) => send({ "text/markdown": s }),
      text: (s) => send({ "text/plain": s }),
    };
  };
  return { display: area(), newDisplay: () => area(`dlvr-${process.pid}-${++denoDisplayCounter}`) };
}

/** What to show, as handed to the fallback outside a kernel. */
export interface DisplayItem {
  kind: "html" | "svg" | "png" | "text";
  /** Markup or text for html/svg/text; PNG bytes for png. */
  content: string | Uint8Array;
  /** Short description, e.g. "png 330x330". */
  summary: string;
}

/** Called instead of the kernel's display outside a notebook. */
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
  const t = getNotebookDisplay();
  if (t) t.display.html(html);
  else fallback({ kind: "html", content: html, summary: `html (${html.length} chars)` });
}

/** Show an SVG chart (as HTML, so nbconvert HTML exports keep it). */
export function showSvg(svg: string): void {
  const t = getNotebookDisplay();
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
  const t = getNotebookDisplay();
  if (t) t.display.png(png);
  else fallback({ kind: "png", content: png, summary: `png ${pngSize(png)}` });
}

/** Show a labelled `Picture` (its HTML: PNG plus class-name labels). */
export function showPicture(pic: Picture): void {
  const t = getNotebookDisplay();
  if (t) t.display.html(pic.html);
  else fallback({ kind: "png", content: pic.png, summary: `png ${pic.width}x${pic.height}` });
}

/** Show Markdown (printed as is outside a kernel). */
export function showMarkdown(markdown: string): void {
  const t = getNotebookDisplay();
  if (t) t.display.markdown(markdown);
  else fallback({ kind: "text", content: markdown, summary: "markdown" });
}

/** Show plain text (printed as is outside a kernel). */
export function showText(text: string): void {
  const t = getNotebookDisplay();
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
