/** Element types. Floats for data and weights, int32 for labels and indices, bool for comparison results. */
export type DType = "float64" | "float32" | "int32" | "bool";
export type Storage = Float64Array | Float32Array | Int32Array | Uint8Array;

/** The dtype tensors get when none is given (float64, so gradient checks are meaningful). */
export const DEFAULT_DTYPE: DType = "float64";

/** Arrays of at least this many bytes are handed to the large-allocation hook (a few per training step). */
export const LARGE_ALLOCATION_BYTES = 64 * 2 ** 10;

let largeAllocationHook: ((data: Storage) => void) | null = null;

/** Lets the native backend ask the kernel for huge pages for big tensors (lib/native/src/memory.c). */
export function onLargeAllocation(hook: ((data: Storage) => void) | null): void {
  largeAllocationHook = hook;
}

export function allocate(dtype: DType, n: number): Storage {
  const data = allocateArray(dtype, n);
  if (largeAllocationHook !== null && data.byteLength >= LARGE_ALLOCATION_BYTES) largeAllocationHook(data);
  return data;
}

function allocateArray(dtype: DType, n: number): Storage {
  switch (dtype) {
    case "float64": return new Float64Array(n);
    case "float32": return new Float32Array(n);
    case "int32": return new Int32Array(n);
    case "bool": return new Uint8Array(n);
  }
}

export function dtypeOf(data: Storage): DType {
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Int32Array) return "int32";
  return "bool";
}

export function isFloating(dtype: DType): boolean {
  return dtype === "float64" || dtype === "float32";
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** Result dtype of a binary op, like PyTorch's promotion: bool < int32 < float32 < float64. */
export function promote(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Dtype for ops whose result is always floating (div, exp, mean ...). */
export function floatingOf(dtype: DType): DType {
  return isFloating(dtype) ? dtype : DEFAULT_DTYPE;
}

export const DTYPES: readonly DType[] = ["float64", "float32", "int32", "bool"];

export function checkDType(dtype: string): DType {
  if (!(DTYPES as readonly string[]).includes(dtype)) {
    throw new TypeError(`unknown dtype "${dtype}"; expected one of ${DTYPES.join(", ")}`);
  }
  return dtype as DType;
}
