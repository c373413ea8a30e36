/** Shape arithmetic shared by the tensor ops. Shapes are plain number arrays, row-major. */

export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** Resolve a possibly negative dim, with PyTorch's error text when it is out of range. */
export function normDim(dim: number, ndim: number, op: string): number {
  const lo = ndim === 0 ? -1 : -ndim;
  const hi = ndim === 0 ? 0 : ndim - 1;
  if (!Number.isInteger(dim) || dim < lo || dim > hi) {
    throw new RangeError(`${op}: dimension out of range (expected to be in range of [${lo}, ${hi}], but got ${dim})`);
  }
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

/** NumPy/PyTorch broadcasting: align on the right, sizes must match or be 1. */
export function broadcastShapes(a: readonly number[], b: readonly number[], op: string): number[] {
  const nd = Math.max(a.length, b.length);
  const out = new Array<number>(nd);
  for (let i = 0; i < nd; i++) {
    const x = a[a.length - nd + i] ?? 1;
    const y = b[b.length - nd + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new RangeError(
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast ` +
          `(dim ${i - nd} has sizes ${x} and ${y}; sizes must match or one must be 1)`,
      );
    }
    out[i] = x === 1 ? y : x;
  }
  return out;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Resolve one -1 entry of a requested shape against a known element count. */
export function inferShape(requested: readonly number[], numel: number, op: string): number[] {
  const shape = [...requested];
  const unknown = shape.indexOf(-1);
  if (unknown !== shape.lastIndexOf(-1)) throw new RangeError(`${op}: only one dimension can be inferred (-1)`);
  for (const s of shape) {
    if (!Number.isInteger(s) || s < -1) throw new RangeError(`${op}: invalid shape ${formatShape(requested)}`);
  }
  if (unknown >= 0) {
    const known = numelOf(shape.filter((_, i) => i !== unknown));
    if (known === 0 || numel % known !== 0) {
      throw new RangeError(`${op}: shape ${formatShape(requested)} is invalid for input of size ${numel}`);
    }
    shape[unknown] = numel / known;
  }
  if (numelOf(shape) !== numel) {
    throw new RangeError(`${op}: shape ${formatShape(requested)} is invalid for input of size ${numel}`);
  }
  return shape;
}

/** Split a shape around `dim` into [outer, size, inner] so a dim-wise op becomes three flat loops. */
export function splitAround(shape: readonly number[], dim: number): [number, number, number] {
  return [numelOf(shape.slice(0, dim)), shape[dim], numelOf(shape.slice(dim + 1))];
}

/**
 * Strides that show a tensor of `shape`/`strides` as `newShape` without copying, or null when no such strides
 * exist (torch's computeStride): dims may merge or split only within runs that are contiguous in memory.
 */
export function viewStrides(shape: readonly number[], strides: readonly number[], newShape: readonly number[]): number[] | null {
  const numel = numelOf(shape);
  if (numel === 0 || shape.length === 0) return contiguousStrides(newShape);
  const out = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBase = strides[strides.length - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d];
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = strides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? out : null;
}
