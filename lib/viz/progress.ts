/**
 * Progress display for training loops, one small API for notebooks and the command line:
 *
 *   const bar = progress({ total: numIters, label: "training" });
 *   for (let it = 0; it < numIters; it++) { ...; bar.update(it + 1, { loss }); }
 *   bar.done();
 *
 * - In a notebook (tslab or Deno): one output area (newDisplay()) redrawn in place as an HTML bar, at most every 250 ms.
 * - On a terminal (stderr is a TTY): a single line rewritten in place, at most every 100 ms.
 * - Otherwise (CI logs, pipes): a plain line at every 10% of the way (or every 10 s when the total is unknown).
 * Updates between redraws cost only a clock read, so calling update() every iteration is fine.
 */
import { getNotebookDisplay, type NotebookDisplay } from "./display";

/** Where progress is drawn; "auto" picks notebook / tty / lines from the environment. */
export type ProgressMode = "auto" | "notebook" | "tty" | "lines" | "silent";

/** Options for {@link progress}. */
export interface ProgressOptions {
  /** Number of steps to completion (omit when unknown). */
  total?: number;
  /** Text in front of the bar, e.g. "SVM training". */
  label?: string;
  /** Unit of a step, shown in the rate, e.g. "it" (default) or "img". */
  unit?: string;
  /** Default "auto". */
  mode?: ProgressMode;
  /** Minimum milliseconds between redraws (default 250 in notebooks, 100 on a TTY). */
  minIntervalMs?: number;
  /** Lines mode: print every this fraction of the total (default 0.1). */
  lineEvery?: number;
  /** Stream for tty/lines mode (default process.stderr). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Clock in ms (tests). Default performance.now. */
  now?: () => number;
}

/** Extra numbers to show next to the bar, e.g. `{ loss: 1.23, acc: 0.41 }`. */
export type ProgressInfo = Record<string, number | string>;

/** A running progress display. */
export interface Progress {
  /** Set the number of completed steps (and optionally the numbers shown beside the bar). */
  update(current: number, info?: ProgressInfo): void;
  /** Advance by n steps (default 1). */
  tick(n?: number, info?: ProgressInfo): void;
  /** Draw the final state and finish the line. Further updates are ignored. */
  done(info?: ProgressInfo): void;
  /** The mode actually used. */
  readonly mode: Exclude<ProgressMode, "auto">;
}

function formatInfo(info: ProgressInfo | undefined): string {
  if (!info) return "";
  return Object.entries(info)
    .map(([k, v]) => `${k} ${typeof v === "number" ? formatNumber(v) : v}`)
    .join("  ");
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return v.toFixed(a < 1 ? 4 : a < 100 ? 3 : 1);
}

function formatRate(r: number): string {
  return r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toPrecision(2);
}

function formatDuration(sec: number): string {
  if (!Number.isFinite(sec)) return "?";
  if (sec < 60) return `${sec.toFixed(sec < 10 ? 1 : 0)}s`;
  const m = Math.floor(sec / 60);
  const s = Math.round(sec - 60 * m);
  if (m < 60) return `${m}m${String(s).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

interface State {
  current: number;
  total?: number;
  elapsedSec: number;
  info?: ProgressInfo;
  finished: boolean;
}

/** "label  42% 420/1000  [eta 3.1s, 135 it/s]  loss 1.234" */
export function progressText(s: State, label: string | undefined, unit: string): string {
  const parts: string[] = [];
  if (label) parts.push(label);
  const rate = s.elapsedSec > 0 ? s.current / s.elapsedSec : 0;
  if (s.total !== undefined && s.total > 0) {
    const pct = Math.min(100, Math.floor((100 * s.current) / s.total));
    parts.push(`${String(pct).padStart(3)}% ${s.current}/${s.total}`);
    const remaining = rate > 0 ? (s.total - s.current) / rate : Infinity;
    parts.push(s.finished ? `[${formatDuration(s.elapsedSec)}, ${formatRate(rate)} ${unit}/s]` : `[eta ${formatDuration(remaining)}, ${formatRate(rate)} ${unit}/s]`);
  } else {
    parts.push(`${s.current} ${unit}`);
    parts.push(`[${formatDuration(s.elapsedSec)}, ${formatRate(rate)} ${unit}/s]`);
  }
  const info = formatInfo(s.info);
  if (info) parts.push(info);
  return parts.join("  ");
}

function barText(s: State, width: number): string {
  if (s.total === undefined || s.total <= 0) return "";
  const filled = Math.max(0, Math.min(width, Math.round((width * s.current) / s.total)));
  return `|${"#".repeat(filled)}${"-".repeat(width - filled)}| `;
}

function barHtml(s: State, label: string | undefined, unit: string): string {
  const frac = s.total ? Math.max(0, Math.min(1, s.current / s.total)) : s.finished ? 1 : 0;
  const color = s.finished ? "#2ca02c" : "#1f77b4";
  const text = escapeHtml(progressText(s, label, unit));
  return `<div style="font:12px monospace;display:flex;align-items:center;gap:8px">`
    + `<div style="width:240px;height:12px;background:#e6e6e6;border-radius:3px;overflow:hidden;flex:none">`
    + `<div style="width:${(100 * frac).toFixed(1)}%;height:100%;background:${color}"></div></div>`
    + `<span style="white-space:pre">${text}</span></div>`;
}

function pickMode(mode: ProgressMode, stream: { isTTY?: boolean }): Exclude<ProgressMode, "auto"> {
  if (mode !== "auto") return mode;
  if (getNotebookDisplay()) return "notebook";
  return stream.isTTY ? "tty" : "lines";
}

/** Start a progress display (see the module comment for what each mode draws). */
export function progress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const mode = pickMode(options.mode ?? "auto", stream);
  const now = options.now ?? (() => performance.now());
  const unit = options.unit ?? "it";
  const label = options.label;
  const minInterval = options.minIntervalMs ?? (mode === "notebook" ? 250 : 100);
  const lineEvery = options.lineEvery ?? 0.1;
  const start = now();
  const st: State = { current: 0, total: options.total, elapsedSec: 0, finished: false };
  let lastDraw = -Infinity;
  let lastLineStep = -1; // lines mode: index of the last printed 10% step
  let lastLineTime = start;
  let lastLineCurrent = NaN;
  let display: NotebookDisplay | null = null;

  if (mode === "notebook") {
    display = getNotebookDisplay()?.newDisplay() ?? null;
  }

  const draw = (force: boolean): void => {
    const t = now();
    st.elapsedSec = (t - start) / 1000;
    switch (mode) {
      case "silent":
        return;
      case "notebook":
        if (!force && t - lastDraw < minInterval) return;
        lastDraw = t;
        display?.html(barHtml(st, label, unit));
        return;
      case "tty": {
        if (!force && t - lastDraw < minInterval) return;
        lastDraw = t;
        const cols = (stream as { columns?: number }).columns ?? 100;
        let line = barText(st, 20) + progressText(st, label, unit);
        if (line.length > cols - 1) line = line.slice(0, cols - 1);
        stream.write(`\r\x1b[K${line}${st.finished ? "\n" : ""}`);
        return;
      }
      case "lines": {
        let print = force && st.current !== lastLineCurrent;
        if (!force && st.total !== undefined && st.total > 0) {
          const step = Math.floor((st.current / st.total) / lineEvery);
          if (step > lastLineStep) {
            print = true;
            lastLineStep = step;
          }
        } else if (!force && t - lastLineTime >= 10000) {
          print = true;
        }
        if (!print) return;
        lastLineTime = t;
        lastLineCurrent = st.current;
        stream.write(`${progressText(st, label, unit)}\n`);
        return;
      }
    }
  };

  return {
    mode,
    update(current: number, info?: ProgressInfo): void {
      if (st.finished) return;
      st.current = current;
      if (info) st.info = info;
      draw(false);
    },
    tick(n = 1, info?: ProgressInfo): void {
      this.update(st.current + n, info);
    },
    done(info?: ProgressInfo): void {
      if (st.finished) return;
      if (info) {
        st.info = info;
        lastLineCurrent = NaN; // new numbers: print the final line even if the count did not change
      }
      st.finished = true;
      draw(true);
    },
  };
}
