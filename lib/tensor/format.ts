import type { DType, Storage } from "./dtype";
import { DEFAULT_DTYPE } from "./dtype";
import { formatShape, numelOf } from "./shape";

/** Above this many elements, printing shows the first and last EDGE_ITEMS along each dim, like PyTorch. */
const SUMMARIZE_OVER = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 80;

/** PyTorch-style text: `tensor([[ 0.1000, -2.0000], ...], dtype=float32)`. `data` must be contiguous. */
export function formatTensor(data: Storage, shape: readonly number[], dtype: DType): string {
  const numel = numelOf(shape);
  const summarize = numel > SUMMARIZE_OVER;
  const fmt = makeFormatter(data, dtype);
  const prefix = "tensor(";
  const body = numel === 0 && shape.length <= 1 ? "[]" : formatNested(data, shape, 0, 0, fmt, summarize, prefix.length);
  const extras: string[] = [];
  if (summarize || numel === 0) extras.push(`shape=${formatShape(shape)}`);
  if (dtype !== DEFAULT_DTYPE) extras.push(`dtype=${dtype}`);
  return `${prefix}${body}${extras.length ? ", " + extras.join(", ") : ""})`;
}

type Formatter = (v: number) => string;

function makeFormatter(data: Storage, dtype: DType): Formatter {
  if (dtype === "bool") return (v) => (v ? " True" : "False");
  if (dtype === "int32") {
    let width = 1;
    for (let i = 0; i < data.length; i++) width = Math.max(width, String(data[i]).length);
    return (v) => String(v).padStart(width);
  }
  let maxAbs = 0;
  let minAbs = Infinity;
  let allInt = true;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) continue;
    const a = Math.abs(v);
    if (a > maxAbs) maxAbs = a;
    if (a > 0 && a < minAbs) minAbs = a;
    if (allInt && v !== Math.trunc(v)) allInt = false;
  }
  const scientific = maxAbs >= 1e8 || (minAbs < 1e-4 && !allInt) || (minAbs !== Infinity && maxAbs / minAbs > 1000 && !allInt);
  const raw: Formatter = (v) => {
    if (Number.isNaN(v)) return "nan";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
    if (scientific) return v.toExponential(4);
    if (allInt) return `${v.toFixed(0)}.`;
    return v.toFixed(4);
  };
  let width = 1;
  for (let i = 0; i < data.length; i++) width = Math.max(width, raw(data[i]).length);
  return (v) => raw(v).padStart(width);
}

function formatNested(
  data: Storage, shape: readonly number[], dim: number, offset: number,
  fmt: Formatter, summarize: boolean, indent: number,
): string {
  if (shape.length === 0) return fmt(data[offset]).trim();
  const size = shape[dim];
  const inner = numelOf(shape.slice(dim + 1));
  const skip = summarize && size > 2 * EDGE_ITEMS;
  const indices = skip
    ? [...range(0, EDGE_ITEMS), -1, ...range(size - EDGE_ITEMS, size)]
    : range(0, size);
  if (dim === shape.length - 1) {
    const items = indices.map((i) => (i < 0 ? "..." : fmt(data[offset + i])));
    return `[${wrap(items, indent + 1)}]`;
  }
  const blankLines = "\n".repeat(shape.length - dim - 1);
  const pad = " ".repeat(indent + 1);
  const rows = indices.map((i) =>
    i < 0 ? "..." : formatNested(data, shape, dim + 1, offset + i * inner, fmt, summarize, indent + 1),
  );
  return `[${rows.join("," + blankLines + pad)}]`;
}

function wrap(items: string[], indent: number): string {
  const lines: string[] = [];
  let line = "";
  for (const item of items) {
    const next = line ? `${line}, ${item}` : item;
    if (line && next.length + indent > LINE_WIDTH) {
      lines.push(line + ",");
      line = item;
    } else {
      line = next;
    }
  }
  lines.push(line);
  return lines.join("\n" + " ".repeat(indent));
}

function range(start: number, end: number): number[] {
  const out: number[] = [];
  for (let i = start; i < end; i++) out.push(i);
  return out;
}
