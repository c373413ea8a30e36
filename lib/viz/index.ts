/**
 * lib/viz: pictures and charts for the notebooks.
 *
 *   import { sampleGrid, weightTemplates, lineChart, sweepChart, show, progress } from "./lib/viz";
 *   show(sampleGrid({ images: raw.trainImages, labels: raw.trainLabels, classNames: raw.classNames }));
 *   show(lineChart({ name: "loss", y: lossHistory }, { xLabel: "iteration", yLabel: "loss" }));
 *
 * PNG pictures (png.ts): images are channel-planar uint8 [N, 3, 32, 32] as in lib/data; weight matrices are
 * [3072 (or 3073), C] like the course's W (template j = column j). SVG charts (svg.ts) are strings.
 * Display (display.ts) uses the kernel's display (tslab or Deno) inside a notebook and prints a short note elsewhere.
 */
export * from "./png";
export { drawText, textWidth, textHeight, GLYPH_WIDTH, GLYPH_HEIGHT, type TextOptions } from "./font";
export * from "./svg";
export * from "./display";
export * from "./progress";
