/**
 * SVG charts as strings (no DOM, no dependencies): line charts for loss / accuracy histories, bar charts, and a
 * heatmap / scatter plot for hyperparameter sweeps. Show them in a notebook with `showSvg(svg)`.
 */

/** One line of a line chart. */
export interface Series {
  /** Legend entry. */
  name: string;
  /** Values. NaN / Infinity break the line (e.g. a diverged loss). */
  y: ArrayLike<number>;
  /** x positions (same length as y). Default 0, 1, 2, ... (1, 2, 3, ... on a log x axis). */
  x?: ArrayLike<number>;
  /** CSS colour. Default from a 10-colour palette. */
  color?: string;
  /** Dashed line. */
  dashed?: boolean;
  /** Draw a dot at every point (default: only when the series has at most 40 points). */
  markers?: boolean;
}

/** Options shared by the charts. */
export interface ChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Total size in pixels. Default 640 x 360. */
  width?: number;
  height?: number;
}

/** Options for {@link lineChart}. */
export interface LineChartOptions extends ChartOptions {
  /** Logarithmic x axis (non-positive x values are left out). */
  logX?: boolean;
  /** Logarithmic y axis (non-positive y values are left out). */
  logY?: boolean;
  /** Axis limits; default from the data. Values outside are clipped. */
  xMin?: number;
  xMax?: number;
  yMin?: number;
  yMax?: number;
  /** Also draw a moving average over this many points on top of each (faded) series; good for noisy losses. */
  smooth?: number;
  /** Legend: shown when there is more than one series, unless false. */
  legend?: boolean;
}

/** Categorical palette (matplotlib's tab10). */
export const PALETTE: readonly string[] = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
];

// ---------------------------------------------------------------------------------------------------------------
// Helpers.

/** Escape text for SVG/XML content and attributes. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

function r1(v: number): string {
  return (Math.round(v * 10) / 10).toString();
}

/** Compact number label: 0.001 -> "1e-3", 2.5e-5 -> "2.5e-5", 0.25 -> "0.25", 12000 -> "12000", 3e6 -> "3e6". */
export function formatTick(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-2 && a < 1e5) return String(Number(v.toPrecision(4)));
  let e = Math.floor(Math.log10(a));
  let m = Number((v / 10 ** e).toPrecision(3));
  if (Math.abs(m) >= 10) {
    m = Number((m / 10).toPrecision(3));
    e += 1;
  }
  return `${m}e${e}`;
}

/** Labels for a set of ticks; on a log axis spanning tiny or huge values, all in exponent form ("1e-2", "3e-3"). */
export function formatTicks(ticks: readonly number[], log: boolean): string[] {
  if (log && ticks.some((t) => t > 0 && (t < 1e-2 || t >= 1e5))) {
    return ticks.map((t) => {
      if (t <= 0) return formatTick(t);
      let e = Math.floor(Math.log10(t) + 1e-9);
      let m = Number((t / 10 ** e).toPrecision(3));
      if (m >= 10) { m = Number((m / 10).toPrecision(3)); e += 1; }
      return `${m}e${e}`;
    });
  }
  return ticks.map(formatTick);
}

/** Round numbers between lo and hi (about `count` of them). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
  return ticks;
}

/** Ticks for a log axis: powers of ten, plus 2x and 5x when the range spans few decades. */
export function logTicks(lo: number, hi: number): number[] {
  const e0 = Math.floor(Math.log10(lo) + 1e-9), e1 = Math.ceil(Math.log10(hi) - 1e-9);
  const decades = e1 - e0;
  const mult = decades <= 1 ? [1, 2, 3, 5] : decades <= 3 ? [1, 2, 5] : [1];
  const step = decades > 8 ? Math.ceil(decades / 8) : 1;
  const ticks: number[] = [];
  for (let e = e0; e <= e1; e += step) {
    for (const m of mult) {
      const t = Number((m * 10 ** e).toPrecision(6));
      if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9)) ticks.push(t);
    }
  }
  return ticks;
}

/** Maps data values to pixels along one axis. */
interface Scale {
  (v: number): number;
  lo: number;
  hi: number;
  log: boolean;
  ticks: number[];
}

function makeScale(lo: number, hi: number, p0: number, p1: number, log: boolean, nice: boolean): Scale {
  if (log) {
    if (!(lo > 0)) lo = hi > 0 ? hi / 10 : 1;
    if (!(hi > lo)) { hi = lo * 10; lo = lo / 10; }
    if (nice) {
      // Extend to 1-2-5 bounds so the ends get labels.
      const ext = (v: number, up: boolean): number => {
        const e = Math.floor(Math.log10(v));
        const cands = [1, 2, 5, 10].map((m) => m * 10 ** e);
        return up ? cands.find((c) => c >= v * (1 - 1e-9))! : [...cands].reverse().find((c) => c <= v * (1 + 1e-9)) ?? cands[0];
      };
      lo = ext(lo, false);
      hi = ext(hi, true);
    }
    const l0 = Math.log10(lo), l1 = Math.log10(hi);
    const f = ((v: number) => p0 + ((Math.log10(v) - l0) / (l1 - l0)) * (p1 - p0)) as Scale;
    return Object.assign(f, { lo, hi, log: true, ticks: logTicks(lo, hi) });
  }
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  let ticks = niceTicks(lo, hi, 5);
  if (nice && ticks.length >= 2) {
    const step = ticks[1] - ticks[0];
    lo = Math.min(lo, Math.floor(lo / step + 1e-9) * step);
    hi = Math.max(hi, Math.ceil(hi / step - 1e-9) * step);
    ticks = niceTicks(lo, hi, 5);
  }
  const f = ((v: number) => p0 + ((v - lo) / (hi - lo)) * (p1 - p0)) as Scale;
  return Object.assign(f, { lo, hi, log: false, ticks });
}

interface Frame {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function svgOpen(width: number, height: number, title: string | undefined, kind: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" `
    + `font-family="DejaVu Sans, Arial, Helvetica, sans-serif" font-size="12" class="dlvr-chart ${kind}">`
    + `<title>${escapeXml(title ?? kind)}</title>`
    + `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`;
}

function titleAndLabels(fr: Frame, width: number, height: number, o: ChartOptions): string {
  let s = "";
  if (o.title) s += `<text x="${r1((fr.x0 + fr.x1) / 2)}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(o.title)}</text>`;
  if (o.xLabel) s += `<text x="${r1((fr.x0 + fr.x1) / 2)}" y="${height - 8}" text-anchor="middle" class="x-label">${escapeXml(o.xLabel)}</text>`;
  if (o.yLabel) {
    const cy = r1((fr.y0 + fr.y1) / 2);
    s += `<text x="14" y="${cy}" text-anchor="middle" transform="rotate(-90 14 ${cy})" class="y-label">${escapeXml(o.yLabel)}</text>`;
  }
  void width;
  return s;
}

/** Axes box, grid lines, tick marks and tick labels. */
function axes(fr: Frame, sx: Scale | null, sy: Scale | null): string {
  let s = `<g class="grid" stroke="#e5e5e5" stroke-width="1">`;
  if (sx) for (const t of sx.ticks) s += `<line x1="${r1(sx(t))}" y1="${fr.y0}" x2="${r1(sx(t))}" y2="${fr.y1}"/>`;
  if (sy) for (const t of sy.ticks) s += `<line x1="${fr.x0}" y1="${r1(sy(t))}" x2="${fr.x1}" y2="${r1(sy(t))}"/>`;
  s += `</g><g class="ticks" fill="#333">`;
  if (sx) {
    const labels = formatTicks(sx.ticks, sx.log);
    sx.ticks.forEach((t, i) => {
      s += `<line x1="${r1(sx(t))}" y1="${fr.y1}" x2="${r1(sx(t))}" y2="${fr.y1 + 5}" stroke="#333"/>`
        + `<text x="${r1(sx(t))}" y="${fr.y1 + 18}" text-anchor="middle" class="x-tick">${escapeXml(labels[i])}</text>`;
    });
  }
  if (sy) {
    const labels = formatTicks(sy.ticks, sy.log);
    sy.ticks.forEach((t, i) => {
      s += `<line x1="${fr.x0 - 5}" y1="${r1(sy(t))}" x2="${fr.x0}" y2="${r1(sy(t))}" stroke="#333"/>`
        + `<text x="${fr.x0 - 8}" y="${r1(sy(t) + 4)}" text-anchor="end" class="y-tick">${escapeXml(labels[i])}</text>`;
    });
  }
  s += `</g><rect x="${fr.x0}" y="${fr.y0}" width="${fr.x1 - fr.x0}" height="${fr.y1 - fr.y0}" fill="none" stroke="#333"/>`;
  return s;
}

/**
 * Top-left corner for a legend box of size w x h inside the frame: the corner (top-right preferred) that covers
 * the fewest of the occupied pixel positions.
 */
function placeLegend(fr: Frame, w: number, h: number, occupied: readonly number[]): { x: number; y: number } {
  const m = 8;
  const cands = [
    { x: fr.x1 - w - m, y: fr.y0 + m }, { x: fr.x0 + m, y: fr.y0 + m },
    { x: fr.x1 - w - m, y: fr.y1 - h - m }, { x: fr.x0 + m, y: fr.y1 - h - m },
  ];
  let best = cands[0], bestCount = Infinity;
  for (const c of cands) {
    let n = 0;
    for (let i = 0; i < occupied.length; i += 2) {
      const px = occupied[i], py = occupied[i + 1];
      if (px >= c.x - 4 && px <= c.x + w + 4 && py >= c.y - 4 && py <= c.y + h + 4) n++;
    }
    if (n < bestCount) { best = c; bestCount = n; }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------------------------
// Line chart.

function movingAverage(y: ArrayLike<number>, k: number): number[] {
  const out: number[] = [];
  let sum = 0, cnt = 0;
  const q: number[] = [];
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    q.push(v);
    if (Number.isFinite(v)) { sum += v; cnt++; }
    if (q.length > k) {
      const old = q.shift()!;
      if (Number.isFinite(old)) { sum -= old; cnt--; }
    }
    out.push(cnt > 0 ? sum / cnt : NaN);
  }
  return out;
}

/**
 * A line chart of one or more series (e.g. loss per iteration, or train and val accuracy per epoch), with axis
 * ticks, labels, a legend and optional log axes. Returns an SVG string; each series is one `<path class="series">`.
 */
export function lineChart(series: Series | readonly Series[], options: LineChartOptions = {}): string {
  const list = Array.isArray(series) ? (series as readonly Series[]) : [series as Series];
  const width = options.width ?? 640, height = options.height ?? 360;
  const fr: Frame = { x0: 64, y0: options.title ? 32 : 14, x1: width - 16, y1: height - (options.xLabel ? 46 : 30) };
  const logX = options.logX ?? false, logY = options.logY ?? false;

  // Points per series, filtered for the axes.
  const pts = list.map((s) => {
    if (s.x && s.x.length !== s.y.length) throw new RangeError(`lineChart: series "${s.name}" has ${s.x.length} x values and ${s.y.length} y values`);
    const xs: number[] = [], ys: number[] = [];
    for (let i = 0; i < s.y.length; i++) {
      xs.push(s.x ? s.x[i] : logX ? i + 1 : i);
      ys.push(s.y[i]);
    }
    return { xs, ys };
  });
  let xlo = Infinity, xhi = -Infinity, ylo = Infinity, yhi = -Infinity;
  for (const { xs, ys } of pts) {
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i], y = ys[i];
      if (!Number.isFinite(x) || !Number.isFinite(y) || (logX && x <= 0) || (logY && y <= 0)) continue;
      if (x < xlo) xlo = x;
      if (x > xhi) xhi = x;
      if (y < ylo) ylo = y;
      if (y > yhi) yhi = y;
    }
  }
  if (xlo === Infinity) { xlo = logX ? 1 : 0; xhi = logX ? 10 : 1; ylo = logY ? 1 : 0; yhi = logY ? 10 : 1; }
  const sx = makeScale(options.xMin ?? xlo, options.xMax ?? xhi, fr.x0, fr.x1, logX, false);
  const sy = makeScale(options.yMin ?? ylo, options.yMax ?? yhi, fr.y1, fr.y0, logY, true);

  let body = svgOpen(width, height, options.title, "line-chart");
  body += axes(fr, sx, sy);
  body += `<clipPath id="plot-area"><rect x="${fr.x0}" y="${fr.y0}" width="${fr.x1 - fr.x0}" height="${fr.y1 - fr.y0}"/></clipPath>`;
  body += `<g clip-path="url(#plot-area)">`;

  const pathOf = (xs: number[], ys: ArrayLike<number>): { d: string; n: number } => {
    let d = "", pen = false, n = 0;
    const ylim = (v: number) => Math.max(fr.y0 - 1000, Math.min(fr.y1 + 1000, v));
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i], y = ys[i];
      if (!Number.isFinite(x) || !Number.isFinite(y) || (logX && x <= 0) || (logY && y <= 0)) { pen = false; continue; }
      d += `${pen ? "L" : "M"}${r1(sx(x))} ${r1(ylim(sy(y)))}`;
      pen = true;
      n++;
    }
    return { d, n };
  };

  list.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length];
    const { xs, ys } = pts[k];
    const main = pathOf(xs, ys);
    const faded = options.smooth !== undefined && options.smooth > 1;
    const dash = s.dashed ? ` stroke-dasharray="6 4"` : "";
    body += `<path class="series" data-name="${escapeXml(s.name)}" data-points="${main.n}" d="${main.d}" fill="none" stroke="${color}" `
      + `stroke-width="${faded ? 1 : 2}" stroke-opacity="${faded ? 0.35 : 1}" stroke-linejoin="round"${dash}/>`;
    if (faded) {
      const sm = pathOf(xs, movingAverage(ys, Math.round(options.smooth!)));
      body += `<path class="smoothed" data-name="${escapeXml(s.name)}" d="${sm.d}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`;
    }
    const markers = s.markers ?? ys.length <= 40;
    if (markers) {
      for (let i = 0; i < xs.length; i++) {
        const x = xs[i], y = ys[i];
        if (!Number.isFinite(x) || !Number.isFinite(y) || (logX && x <= 0) || (logY && y <= 0)) continue;
        body += `<circle class="marker" cx="${r1(sx(x))}" cy="${r1(sy(y))}" r="3" fill="${color}"/>`;
      }
    }
  });
  body += `</g>`;

  if ((options.legend ?? list.length > 1) && list.length > 0) {
    const lw = Math.max(...list.map((s) => s.name.length)) * 7 + 36;
    const lh = list.length * 18 + 8;
    // Pixel positions the lines pass through (segments sampled), to keep the legend off the data.
    const occupied: number[] = [];
    for (const { xs, ys } of pts) {
      let px = NaN, py = NaN;
      const stride = Math.max(1, Math.floor(xs.length / 400));
      for (let i = 0; i < xs.length; i += stride) {
        const x = xs[i], y = ys[i];
        if (!Number.isFinite(x) || !Number.isFinite(y) || (logX && x <= 0) || (logY && y <= 0)) { px = NaN; continue; }
        const qx = sx(x), qy = sy(y);
        const steps = Number.isNaN(px) ? 1 : Math.min(20, Math.ceil(Math.hypot(qx - px, qy - py) / 6));
        for (let k = 1; k <= steps; k++) {
          const f = Number.isNaN(px) ? 1 : k / steps;
          occupied.push(Number.isNaN(px) ? qx : px + f * (qx - px), Number.isNaN(py) ? qy : py + f * (qy - py));
        }
        px = qx; py = qy;
      }
    }
    const { x: lx, y: ly } = placeLegend(fr, lw, lh, occupied);
    body += `<g class="legend"><rect x="${lx}" y="${ly}" width="${lw}" height="${lh}" fill="#ffffff" fill-opacity="0.85" stroke="#bbbbbb"/>`;
    list.forEach((s, k) => {
      const color = s.color ?? PALETTE[k % PALETTE.length];
      const y = ly + 14 + k * 18;
      body += `<line x1="${lx + 8}" y1="${y - 4}" x2="${lx + 26}" y2="${y - 4}" stroke="${color}" stroke-width="2.5"${s.dashed ? ` stroke-dasharray="6 4"` : ""}/>`
        + `<text x="${lx + 32}" y="${y}" class="legend-entry">${escapeXml(s.name)}</text>`;
    });
    body += `</g>`;
  }
  body += titleAndLabels(fr, width, height, options);
  return `${body}</svg>`;
}

// ---------------------------------------------------------------------------------------------------------------
// Bar chart.

/** Options for {@link barChart}. */
export interface BarChartOptions extends ChartOptions {
  /** Names of the value groups when `values` is a list of series (legend entries). */
  seriesNames?: readonly string[];
  /** y axis limits. Default 0 .. max. */
  yMin?: number;
  yMax?: number;
  /** Write each value above its bar with this formatter (e.g. v => (100*v).toFixed(0) + "%"). */
  format?: (v: number) => string;
}

/**
 * Bars per category (e.g. images per class, accuracy per class). `values` is one number per category, or several
 * series (one array per series) drawn as grouped bars. Each bar is a `<rect class="bar">`.
 */
export function barChart(categories: readonly string[], values: ArrayLike<number> | readonly ArrayLike<number>[], options: BarChartOptions = {}): string {
  const groups: ArrayLike<number>[] = Array.isArray(values) && values.length > 0 && typeof values[0] !== "number"
    ? (values as readonly ArrayLike<number>[]).slice()
    : [values as ArrayLike<number>];
  for (const g of groups) {
    if (g.length !== categories.length) throw new RangeError(`barChart: ${categories.length} categories but a series has ${g.length} values`);
  }
  const width = options.width ?? 640, height = options.height ?? 360;
  const rotate = categories.some((c) => c.length > 8) && categories.length > 6;
  const legend = groups.length > 1 && options.seriesNames !== undefined;
  const fr: Frame = {
    x0: 64, y0: (options.title ? 32 : 14) + (legend ? 20 : 0), x1: width - 16, y1: height - (rotate ? 70 : 30) - (options.xLabel ? 16 : 0),
  };
  let hi = -Infinity;
  for (const g of groups) for (let i = 0; i < g.length; i++) if (Number.isFinite(g[i])) hi = Math.max(hi, g[i]);
  if (!Number.isFinite(hi)) hi = 1;
  const sy = makeScale(options.yMin ?? 0, options.yMax ?? hi, fr.y1, fr.y0, false, options.yMax === undefined);
  let body = svgOpen(width, height, options.title, "bar-chart");
  body += axes(fr, null, sy);
  const slot = (fr.x1 - fr.x0) / categories.length;
  const bw = (slot * 0.8) / groups.length;
  const base = sy(Math.max(sy.lo, 0));
  categories.forEach((c, i) => {
    groups.forEach((g, k) => {
      const v = g[i];
      if (!Number.isFinite(v)) return;
      const x = fr.x0 + slot * i + slot * 0.1 + bw * k;
      const y = sy(Math.min(v, sy.hi));
      body += `<rect class="bar" data-value="${v}" x="${r1(x)}" y="${r1(Math.min(y, base))}" width="${r1(bw)}" height="${r1(Math.abs(base - y))}" fill="${PALETTE[k % PALETTE.length]}"/>`;
      if (options.format) body += `<text x="${r1(x + bw / 2)}" y="${r1(Math.min(y, base) - 3)}" text-anchor="middle" font-size="10">${escapeXml(options.format(v))}</text>`;
    });
    const cx = fr.x0 + slot * (i + 0.5);
    body += rotate
      ? `<text x="${r1(cx)}" y="${fr.y1 + 12}" text-anchor="end" transform="rotate(-40 ${r1(cx)} ${fr.y1 + 12})" class="x-tick">${escapeXml(c)}</text>`
      : `<text x="${r1(cx)}" y="${fr.y1 + 16}" text-anchor="middle" class="x-tick">${escapeXml(c)}</text>`;
  });
  if (legend) {
    // One horizontal row between the title and the plot, right-aligned, so it never hides a bar.
    const names = options.seriesNames!;
    const widths = names.map((n) => n.length * 7 + 32);
    let x = fr.x1 - widths.reduce((p, q) => p + q, 0);
    const y = fr.y0 - 8;
    body += `<g class="legend">`;
    names.forEach((n, k) => {
      body += `<rect x="${r1(x)}" y="${y - 9}" width="12" height="10" fill="${PALETTE[k % PALETTE.length]}"/><text x="${r1(x + 17)}" y="${y}" class="legend-entry">${escapeXml(n)}</text>`;
      x += widths[k];
    });
    body += `</g>`;
  }
  body += titleAndLabels(fr, width, height, options);
  return `${body}</svg>`;
}

// ---------------------------------------------------------------------------------------------------------------
// Hyperparameter sweeps.

/** One trained configuration: e.g. x = learning rate, y = regularization strength, value = validation accuracy. */
export interface SweepPoint {
  x: number;
  y: number;
  value: number;
}

/** Options for {@link sweepChart}. */
export interface SweepChartOptions extends ChartOptions {
  /** Name of the value, shown on the colour bar. Default "val accuracy". */
  valueLabel?: string;
  /** Log axes (default true for both: learning rates and regularization strengths span decades). */
  logX?: boolean;
  logY?: boolean;
  /** Which value is best (marked): "max" (default, accuracy) or "min" (loss). */
  best?: "max" | "min";
  /** "heatmap" (grid search), "scatter" (random search) or "auto" (heatmap when the points form a grid). */
  kind?: "auto" | "heatmap" | "scatter";
  /** Value formatter for cell text, colour bar and the best label. Default 3 significant digits. */
  format?: (v: number) => string;
  /** Write the value into each heatmap cell. Default true when cells are large enough. */
  cellValues?: boolean;
}

const VIRIDIS: readonly [number, number, number][] = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
  [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];

/** Viridis colour for t in [0, 1] as "#rrggbb". */
export function viridis(t: number): string {
  const u = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const f = u - i;
  const c = VIRIDIS[i].map((a, k) => Math.round(a + f * (VIRIDIS[i + 1][k] - a)));
  return `#${c.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}

function luminance(hex: string): number {
  const v = parseInt(hex.slice(1), 16);
  return (0.299 * ((v >> 16) & 255) + 0.587 * ((v >> 8) & 255) + 0.114 * (v & 255)) / 255;
}

function colorBar(x: number, y0: number, y1: number, lo: number, hi: number, label: string, fmt: (v: number) => string): string {
  let s = `<g class="colorbar"><defs><linearGradient id="cbar" x1="0" y1="1" x2="0" y2="0">`;
  for (let i = 0; i <= 8; i++) s += `<stop offset="${i / 8}" stop-color="${viridis(i / 8)}"/>`;
  s += `</linearGradient></defs><rect x="${x}" y="${y0}" width="14" height="${y1 - y0}" fill="url(#cbar)" stroke="#333"/>`;
  const span = hi > lo ? hi - lo : 1;
  const ticks = hi > lo ? niceTicks(lo, hi, 4).filter((t) => t >= lo - 1e-12 && t <= hi + 1e-12) : [lo];
  for (const t of ticks) {
    const ty = y1 - ((t - lo) / span) * (y1 - y0);
    s += `<line x1="${x + 14}" y1="${r1(ty)}" x2="${x + 18}" y2="${r1(ty)}" stroke="#333"/><text x="${x + 21}" y="${r1(ty + 4)}" font-size="11">${escapeXml(fmt(t))}</text>`;
  }
  const cy = (y0 + y1) / 2;
  s += `<text x="${x + 66}" y="${r1(cy)}" text-anchor="middle" transform="rotate(90 ${x + 66} ${r1(cy)})">${escapeXml(label)}</text></g>`;
  return s;
}

function isGrid(points: readonly SweepPoint[]): boolean {
  const xs = new Set(points.map((p) => p.x)), ys = new Set(points.map((p) => p.y));
  const cells = new Set(points.map((p) => `${p.x}|${p.y}`));
  return xs.size * ys.size <= Math.max(cells.size * 1.5, 4) && xs.size <= 30 && ys.size <= 30;
}

/**
 * Validation accuracy (or any value) over two hyperparameters, with log axes, a colour bar and the best
 * configuration marked. A grid search is drawn as a heatmap (one `<rect class="cell">` per configuration; repeated
 * configurations keep their best value), a random search as a scatter plot (one `<circle class="point">` each).
 */
export function sweepChart(points: readonly SweepPoint[], options: SweepChartOptions = {}): string {
  if (points.length === 0) throw new RangeError("sweepChart: no points");
  const width = options.width ?? 640, height = options.height ?? 420;
  const o: SweepChartOptions = { xLabel: "learning rate", yLabel: "regularization strength", ...options };
  const logX = options.logX ?? true, logY = options.logY ?? true;
  const bestMax = (options.best ?? "max") === "max";
  const fmt = options.format ?? ((v: number) => Number(v.toPrecision(3)).toString());
  const valueLabel = options.valueLabel ?? "val accuracy";
  const kind = options.kind === undefined || options.kind === "auto" ? (isGrid(points) ? "heatmap" : "scatter") : options.kind;
  const fr: Frame = { x0: 72, y0: options.title ? 32 : 14, x1: width - 100, y1: height - 60 };

  const finite = points.filter((p) => Number.isFinite(p.value));
  let lo = Infinity, hi = -Infinity;
  for (const p of finite) { lo = Math.min(lo, p.value); hi = Math.max(hi, p.value); }
  if (lo === Infinity) { lo = 0; hi = 1; }
  const norm = (v: number) => (hi > lo ? (v - lo) / (hi - lo) : 0.5);
  let best: SweepPoint | undefined;
  for (const p of finite) if (!best || (bestMax ? p.value > best.value : p.value < best.value)) best = p;

  let body = svgOpen(width, height, options.title, `sweep-${kind}`);
  if (kind === "heatmap") {
    const xs = [...new Set(points.map((p) => p.x))].sort((a, b) => a - b);
    const ys = [...new Set(points.map((p) => p.y))].sort((a, b) => a - b);
    const cell = new Map<string, number>();
    for (const p of points) {
      const k = `${p.x}|${p.y}`;
      const prev = cell.get(k);
      if (prev === undefined || !Number.isFinite(prev) || (Number.isFinite(p.value) && (bestMax ? p.value > prev : p.value < prev))) cell.set(k, p.value);
    }
    const cw = (fr.x1 - fr.x0) / xs.length, ch = (fr.y1 - fr.y0) / ys.length;
    const showVals = options.cellValues ?? (cw >= 34 && ch >= 16);
    body += `<defs><pattern id="missing" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">`
      + `<rect width="6" height="6" fill="#f0f0f0"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c8c8c8" stroke-width="2"/></pattern></defs>`;
    body += `<g class="cells">`;
    ys.forEach((yv, j) => xs.forEach((xv, i) => {
      const v = cell.get(`${xv}|${yv}`);
      const x = fr.x0 + i * cw, y = fr.y1 - (j + 1) * ch;
      if (v === undefined) {
        body += `<rect class="cell missing" x="${r1(x)}" y="${r1(y)}" width="${r1(cw)}" height="${r1(ch)}" fill="url(#missing)"/>`;
        return;
      }
      const color = Number.isFinite(v) ? viridis(norm(v)) : "#d62728";
      body += `<rect class="cell" data-x="${xv}" data-y="${yv}" data-value="${v}" x="${r1(x)}" y="${r1(y)}" width="${r1(cw)}" height="${r1(ch)}" fill="${color}"><title>${escapeXml(`${formatTick(xv)}, ${formatTick(yv)}: ${Number.isFinite(v) ? fmt(v) : "diverged"}`)}</title></rect>`;
      if (showVals) {
        body += `<text x="${r1(x + cw / 2)}" y="${r1(y + ch / 2 + 4)}" text-anchor="middle" font-size="11" fill="${Number.isFinite(v) && luminance(color) < 0.5 ? "#ffffff" : "#000000"}">${Number.isFinite(v) ? escapeXml(fmt(v)) : "NaN"}</text>`;
      }
    }));
    body += `</g>`;
    if (best) {
      const i = xs.indexOf(best.x), j = ys.indexOf(best.y);
      body += `<rect class="best" x="${r1(fr.x0 + i * cw + 1.5)}" y="${r1(fr.y1 - (j + 1) * ch + 1.5)}" width="${r1(cw - 3)}" height="${r1(ch - 3)}" fill="none" stroke="#e8112d" stroke-width="3"/>`;
    }
    body += `<rect x="${fr.x0}" y="${fr.y0}" width="${fr.x1 - fr.x0}" height="${fr.y1 - fr.y0}" fill="none" stroke="#333"/><g class="ticks" fill="#333">`;
    const xl = formatTicks(xs, logX), yl = formatTicks(ys, logY);
    xs.forEach((_, i) => {
      const cx = fr.x0 + (i + 0.5) * cw;
      body += `<line x1="${r1(cx)}" y1="${fr.y1}" x2="${r1(cx)}" y2="${fr.y1 + 5}" stroke="#333"/><text x="${r1(cx)}" y="${fr.y1 + 18}" text-anchor="middle" class="x-tick">${escapeXml(xl[i])}</text>`;
    });
    ys.forEach((_, j) => {
      const cy = fr.y1 - (j + 0.5) * ch;
      body += `<line x1="${fr.x0 - 5}" y1="${r1(cy)}" x2="${fr.x0}" y2="${r1(cy)}" stroke="#333"/><text x="${fr.x0 - 8}" y="${r1(cy + 4)}" text-anchor="end" class="y-tick">${escapeXml(yl[j])}</text>`;
    });
    body += `</g>`;
  } else {
    let xlo = Infinity, xhi = -Infinity, ylo = Infinity, yhi = -Infinity;
    for (const p of points) {
      if ((logX && p.x <= 0) || (logY && p.y <= 0)) continue;
      xlo = Math.min(xlo, p.x); xhi = Math.max(xhi, p.x); ylo = Math.min(ylo, p.y); yhi = Math.max(yhi, p.y);
    }
    if (xlo === Infinity) { xlo = 1; xhi = 10; ylo = 1; yhi = 10; }
    const sx = makeScale(xlo, xhi, fr.x0 + 8, fr.x1 - 8, logX, logX);
    const sy = makeScale(ylo, yhi, fr.y1 - 8, fr.y0 + 8, logY, logY);
    body += axes(fr, sx, sy);
    body += `<g class="points">`;
    for (const p of points) {
      if ((logX && p.x <= 0) || (logY && p.y <= 0)) continue;
      const color = Number.isFinite(p.value) ? viridis(norm(p.value)) : "#d62728";
      body += `<circle class="point" data-value="${p.value}" cx="${r1(sx(p.x))}" cy="${r1(sy(p.y))}" r="6" fill="${color}" stroke="#333" stroke-width="0.5">`
        + `<title>${escapeXml(`${formatTick(p.x)}, ${formatTick(p.y)}: ${Number.isFinite(p.value) ? fmt(p.value) : "diverged"}`)}</title></circle>`;
    }
    body += `</g>`;
    if (best) {
      body += `<circle class="best" cx="${r1(sx(best.x))}" cy="${r1(sy(best.y))}" r="10" fill="none" stroke="#e8112d" stroke-width="3"/>`;
    }
  }
  if (best) {
    body += `<text class="best-label" x="${fr.x0}" y="${height - 6}" text-anchor="start" font-size="11" fill="#e8112d">best: ${escapeXml(`${o.xLabel} ${formatTick(best.x)}, ${o.yLabel} ${formatTick(best.y)} -> ${fmt(best.value)}`)}</text>`;
  }
  body += colorBar(fr.x1 + 14, fr.y0, fr.y1, lo, hi, valueLabel, fmt);
  let lab = "";
  if (options.title) lab += `<text x="${r1((fr.x0 + fr.x1) / 2)}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>`;
  if (o.xLabel) lab += `<text x="${r1((fr.x0 + fr.x1) / 2)}" y="${fr.y1 + 36}" text-anchor="middle" class="x-label">${escapeXml(o.xLabel)}${logX ? " (log scale)" : ""}</text>`;
  if (o.yLabel) {
    const cy = r1((fr.y0 + fr.y1) / 2);
    lab += `<text x="14" y="${cy}" text-anchor="middle" transform="rotate(-90 14 ${cy})" class="y-label">${escapeXml(o.yLabel)}${logY ? " (log scale)" : ""}</text>`;
  }
  return `${body}${lab}</svg>`;
}
