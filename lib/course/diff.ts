/**
 * A small line diff (LCS after trimming the common prefix and suffix) rendered as a unified diff, used to show
 * students exactly which frozen lines they changed. Trailing whitespace is ignored when comparing lines.
 */
import { rstrip } from "./text";

export type DiffOp = { op: "=" | "-" | "+"; line: string; a: number; b: number };

/** Beyond this many LCS cells the middle part is shown as a plain replacement (still correct, less minimal). */
const MAX_CELLS = 4_000_000;

export function diffLines(a: string[], b: string[]): DiffOp[] {
  const eq = (x: string, y: string) => rstrip(x) === rstrip(y);
  let pre = 0;
  while (pre < a.length && pre < b.length && eq(a[pre], b[pre])) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && eq(a[a.length - 1 - suf], b[b.length - 1 - suf])) suf++;
  const ops: DiffOp[] = [];
  for (let i = 0; i < pre; i++) ops.push({ op: "=", line: b[i], a: i, b: i });
  const am = a.slice(pre, a.length - suf);
  const bm = b.slice(pre, b.length - suf);
  const n = am.length;
  const m = bm.length;
  if (n * m > MAX_CELLS) {
    am.forEach((line, i) => ops.push({ op: "-", line, a: pre + i, b: pre }));
    bm.forEach((line, j) => ops.push({ op: "+", line, a: pre + n, b: pre + j }));
  } else {
    // lcs[i][j] = LCS length of am[i..] and bm[j..]
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * w + j] = eq(am[i], bm[j]) ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && eq(am[i], bm[j])) {
        ops.push({ op: "=", line: bm[j], a: pre + i++, b: pre + j++ });
      } else if (i < n && (j === m || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) {
        ops.push({ op: "-", line: am[i], a: pre + i++, b: pre + j });
      } else {
        ops.push({ op: "+", line: bm[j], a: pre + i, b: pre + j++ });
      }
    }
  }
  for (let k = 0; k < suf; k++) ops.push({ op: "=", line: b[m + pre + k], a: pre + n + k, b: pre + m + k });
  return ops;
}

export interface UnifiedDiffOptions {
  /** Line number (1-based) of a[0] and b[0] in their files, so hunk headers point at real lines. */
  aStart?: number;
  bStart?: number;
  aLabel?: string;
  bLabel?: string;
  context?: number;
  /** Cut the output after this many lines. */
  maxLines?: number;
}

/** Unified diff of a -> b, or "" when they are equal (ignoring trailing whitespace). */
export function unifiedDiff(a: string[], b: string[], opts: UnifiedDiffOptions = {}): string {
  const { aStart = 1, bStart = 1, aLabel = "expected", bLabel = "yours", context = 2, maxLines = 40 } = opts;
  const ops = diffLines(a, b);
  const changed = ops.map((o, k) => (o.op !== "=" ? k : -1)).filter((k) => k >= 0);
  if (changed.length === 0) return "";
  // Group changes whose context windows overlap into hunks.
  const hunks: [number, number][] = [];
  for (const k of changed) {
    const lo = Math.max(0, k - context);
    const hi = Math.min(ops.length - 1, k + context);
    const last = hunks[hunks.length - 1];
    if (last && lo <= last[1] + 1) last[1] = hi;
    else hunks.push([lo, hi]);
  }
  const out = [`--- ${aLabel}`, `+++ ${bLabel}`];
  for (const [lo, hi] of hunks) {
    const slice = ops.slice(lo, hi + 1);
    const aCount = slice.filter((o) => o.op !== "+").length;
    const bCount = slice.filter((o) => o.op !== "-").length;
    out.push(`@@ -${aStart + slice[0].a},${aCount} +${bStart + slice[0].b},${bCount} @@`);
    for (const o of slice) out.push(`${o.op === "=" ? " " : o.op}${o.line}`);
  }
  if (out.length > maxLines) {
    const rest = out.length - maxLines;
    return [...out.slice(0, maxLines), `... (${rest} more diff lines)`].join("\n");
  }
  return out.join("\n");
}
