/**
 * Saved best models in a submission (svm_best_model.json, ...): read as untrusted input in the grader (shapes
 * and sizes are checked before anything is allocated), then evaluated on a held-out split.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { decodeTensors, type Tensor } from "../../lib/tensor";
import { fmt } from "./compare";
import type { Verdict } from "../hidden/types";

const TENSOR_FORMAT = "dlvr-tensors/1";
const BYTES: Record<string, number> = { float64: 8, float32: 4 };

export interface TensorSpec {
  /** Expected shape; null entries are free (e.g. the hidden size), bounded by maxElements. */
  shape: (number | null)[];
}

export interface ModelSpec {
  /** Path in the submission, e.g. "svm_best_model.json". */
  file: string;
  /** Expected meta.kind (e.g. "LinearSVM"). */
  kind: string;
  tensors: Record<string, TensorSpec>;
  /** Free dimensions must agree across tensors: e.g. { H: [["W1", 1], ["b1", 0], ["W2", 0]] }. */
  tied?: Record<string, [string, number][]>;
  maxElements: number;
}

export type LoadedModel = { ok: true; tensors: Record<string, Tensor>; meta: Record<string, unknown> } | { ok: false; problem: string };

/** Reads and validates a saved model without trusting its header. */
export function loadModel(submissionDir: string, spec: ModelSpec): LoadedModel {
  const file = path.join(submissionDir, spec.file);
  if (!fs.existsSync(file)) return { ok: false, problem: `${spec.file} is missing from the submission (run the notebook cell that saves it)` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return { ok: false, problem: `${spec.file} is not valid JSON (interrupted while saving?)` };
  }
  const f = parsed as { format?: unknown; meta?: unknown; tensors?: unknown };
  if (!f || typeof f !== "object" || f.format !== TENSOR_FORMAT || !f.tensors || typeof f.tensors !== "object") {
    return { ok: false, problem: `${spec.file} is not a saved model (expected a file written by save())` };
  }
  const meta = (f.meta && typeof f.meta === "object" ? f.meta : {}) as Record<string, unknown>;
  if (meta.kind !== spec.kind) return { ok: false, problem: `${spec.file} holds a ${String(meta.kind)}, expected a ${spec.kind}` };
  const stored = f.tensors as Record<string, { dtype?: unknown; shape?: unknown; base64?: unknown }>;
  const free = new Map<string, number>();
  let total = 0;
  for (const [name, ts] of Object.entries(spec.tensors)) {
    const st = stored[name];
    if (!st || typeof st !== "object") return { ok: false, problem: `${spec.file}: tensor "${name}" is missing` };
    if (typeof st.dtype !== "string" || !(st.dtype in BYTES)) return { ok: false, problem: `${spec.file}: tensor "${name}" must be float32 or float64` };
    const shape = st.shape;
    if (!Array.isArray(shape) || shape.length !== ts.shape.length || !shape.every((n) => Number.isInteger(n) && n > 0 && n <= spec.maxElements)) {
      return { ok: false, problem: `${spec.file}: tensor "${name}" has shape ${JSON.stringify(shape)}, expected [${ts.shape.map((n) => n ?? "*").join(", ")}]` };
    }
    for (let d = 0; d < ts.shape.length; d++) {
      const want = ts.shape[d];
      if (want !== null && shape[d] !== want) {
        return { ok: false, problem: `${spec.file}: tensor "${name}" has shape [${shape.join(", ")}], expected [${ts.shape.map((n) => n ?? "*").join(", ")}]` };
      }
    }
    const numel = (shape as number[]).reduce((a, b) => a * b, 1);
    total += numel;
    if (total > spec.maxElements) return { ok: false, problem: `${spec.file}: the model is larger than the ${spec.maxElements} numbers allowed` };
    if (typeof st.base64 !== "string" || Buffer.byteLength(st.base64, "base64") !== numel * BYTES[st.dtype]) {
      return { ok: false, problem: `${spec.file}: tensor "${name}" holds the wrong number of bytes` };
    }
  }
  for (const [dim, uses] of Object.entries(spec.tied ?? {})) {
    for (const [name, axis] of uses) {
      const n = (stored[name].shape as number[])[axis];
      if (free.has(dim) && free.get(dim) !== n) return { ok: false, problem: `${spec.file}: the sizes of ${uses.map(([t]) => t).join(", ")} do not fit together (${dim})` };
      free.set(dim, n);
    }
  }
  try {
    const only = Object.fromEntries(Object.keys(spec.tensors).map((k) => [k, stored[k]]));
    const { tensors } = decodeTensors({ format: TENSOR_FORMAT, meta, tensors: only }, spec.file);
    for (const [name, t] of Object.entries(tensors)) {
      const data = t.data as ArrayLike<number>;
      for (let i = 0; i < data.length; i++) {
        if (!Number.isFinite(data[i])) return { ok: false, problem: `${spec.file}: tensor "${name}" contains NaN or Infinity (training diverged?)` };
      }
    }
    return { ok: true, tensors, meta };
  } catch (e) {
    return { ok: false, problem: `${spec.file}: ${(e as Error).message}` };
  }
}

export interface AccuracyRule {
  /** Accuracy (0..1) for full points. */
  full: number;
  /** Below this, no points; in between, linear. */
  zero: number;
}

/** Points for an accuracy, with a line that says how it went (the accuracy is shown; the data is not). */
export function gradeAccuracy(what: string, acc: number, rule: AccuracyRule, heldOut: string): Verdict {
  const pct = (x: number) => `${fmt(100 * x)}%`;
  const lines = [`${what}: accuracy ${pct(acc)} on ${heldOut}; full points from ${pct(rule.full)}, none below ${pct(rule.zero)}`];
  if (acc >= rule.full) return { fraction: 1, lines };
  if (acc <= rule.zero) return { fraction: 0, lines, diagnoses: ["the saved model is not better than a poorly tuned one: run the hyperparameter search, then save the best model"] };
  const fraction = Math.floor((100 * (acc - rule.zero)) / (rule.full - rule.zero)) / 100;
  return { fraction, lines, diagnoses: [`partial credit: the accuracy is below ${pct(rule.full)}`] };
}

export function accuracyOf(pred: Tensor, y: Tensor): number {
  return pred.eq(y).to("float64").mean().item();
}
