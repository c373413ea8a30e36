import { type DType, isFloating, promote } from "./dtype";

/**
 * torch's result-type rule (c10 `result_type`), with this library's dtypes: operands form three groups of
 * falling priority: tensors with dims, 0-d tensors, plain numbers. A lower group only changes the dtype when it
 * is of a higher kind (bool < integer < floating), so `float32Tensor.add(0.1)` and `float32Tensor.add(tensor(2.5))`
 * stay float32 while `int32Tensor.add(0.5)` becomes float64. A JS number is integer-kind (int32, torch's int64)
 * when it has no fractional part, else floating (the default dtype, float64, which torch uses once
 * `torch.set_default_dtype(torch.float64)` is set).
 */
export type Operand = { readonly dtype: DType; readonly ndim: number } | number;

export function numberDType(x: number): DType {
  return Number.isInteger(x) ? "int32" : "float64";
}

export function resultType(...operands: Operand[]): DType {
  let dims: DType | null = null, zeros: DType | null = null, numbers: DType | null = null;
  for (const x of operands) {
    if (typeof x === "number") numbers = join(numbers, numberDType(x));
    else if (x.ndim === 0) zeros = join(zeros, x.dtype);
    else dims = join(dims, x.dtype);
  }
  const result = combine(dims, combine(zeros, numbers));
  if (result === null) throw new TypeError("resultType: no operands");
  return result;
}

function join(a: DType | null, b: DType): DType {
  return a === null ? b : promote(a, b);
}

/** c10's combine_categories: `lower` only counts when it is of a higher kind than `higher`. */
function combine(higher: DType | null, lower: DType | null): DType | null {
  if (higher === null) return lower;
  if (lower === null || isFloating(higher)) return higher;
  if (higher === "bool" || isFloating(lower)) return promote(higher, lower);
  return higher;
}

/** Whether an in-place op may write a `from` result into a `to` tensor (torch's canCast: never to a lower kind). */
export function canCast(from: DType, to: DType): boolean {
  return kind(from) <= kind(to);
}

function kind(d: DType): number {
  return d === "bool" ? 0 : d === "int32" ? 1 : 2;
}

/** A JS number stored as `dtype` would be (float32 rounding, int32 wraparound, bool as 0/1). */
export function castNumber(x: number, dtype: DType): number {
  switch (dtype) {
    case "float64": return x;
    case "float32": return Math.fround(x);
    case "int32": return Number.isFinite(x) ? Math.trunc(x) | 0 : 0;
    case "bool": return x !== 0 ? 1 : 0;
  }
}
