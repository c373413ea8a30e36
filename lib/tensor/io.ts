import { readFileSync, writeFileSync } from "node:fs";
import { allocate, checkDType, type DType } from "./dtype";
import { formatShape, numelOf } from "./shape";
import { Tensor } from "./tensor";

/**
 * Saving tensors to a small JSON file (saved best models go into submissions, so the format is plain and
 * exact): each tensor keeps dtype, shape and its little-endian bytes in base64.
 */
export const TENSOR_FILE_FORMAT = "dlvr-tensors/1";

interface StoredTensor {
  dtype: DType;
  shape: number[];
  base64: string;
}

export interface TensorFile {
  format: typeof TENSOR_FILE_FORMAT;
  /** Free-form description, e.g. { kind: "LinearSVM", valAccuracy: 0.41 }. */
  meta: Record<string, unknown>;
  tensors: Record<string, StoredTensor>;
}

export function encodeTensors(tensors: Record<string, Tensor>, meta: Record<string, unknown> = {}): TensorFile {
  const out: Record<string, StoredTensor> = {};
  for (const [name, t] of Object.entries(tensors)) {
    const c = t.contiguous();
    const bytes = Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength);
    out[name] = { dtype: t.dtype, shape: [...t.shape], base64: bytes.toString("base64") };
  }
  return { format: TENSOR_FILE_FORMAT, meta, tensors: out };
}

export function decodeTensors(file: unknown, source = "tensor file"): { meta: Record<string, unknown>; tensors: Record<string, Tensor> } {
  const f = file as Partial<TensorFile>;
  if (!f || f.format !== TENSOR_FILE_FORMAT || typeof f.tensors !== "object" || f.tensors === null) {
    throw new Error(`${source}: not a saved tensor file (expected "format": "${TENSOR_FILE_FORMAT}")`);
  }
  const tensors: Record<string, Tensor> = {};
  for (const [name, st] of Object.entries(f.tensors)) {
    const dtype = checkDType(st.dtype);
    const n = numelOf(st.shape);
    const bytes = Buffer.from(st.base64, "base64");
    const data = allocate(dtype, n);
    if (bytes.byteLength !== data.byteLength) {
      throw new Error(`${source}: tensor "${name}" of shape ${formatShape(st.shape)} ${dtype} needs ${data.byteLength} bytes, found ${bytes.byteLength}`);
    }
    new Uint8Array(data.buffer).set(bytes);
    tensors[name] = new Tensor(data, st.shape);
  }
  return { meta: f.meta ?? {}, tensors };
}

/** Write tensors (plus metadata) to a JSON file. */
export function saveTensors(path: string, tensors: Record<string, Tensor>, meta: Record<string, unknown> = {}): void {
  writeFileSync(path, JSON.stringify(encodeTensors(tensors, meta)) + "\n");
}

/** Read tensors written by saveTensors, with a clear error for a missing or foreign file. */
export function loadTensors(path: string): { meta: Record<string, unknown>; tensors: Record<string, Tensor> } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new Error(`cannot read ${path}: the file does not exist (save the model first)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${path}: not valid JSON`);
  }
  return decodeTensors(parsed, path);
}
