// AssemblyScript source of lib/wasm's matmul kernels (compiled by `npm run build:wasm`; not TypeScript).
//
// C = A * B for row-major, dense operands in this module's memory. op(A) is m x k with element (i, p) at
// a + (i * sai + p * sap) elements, so A can be read as stored (sai = k, sap = 1) or transposed (sai = 1,
// sap = m) without a copy. B is k x n row-major, C is m x n row-major and is overwritten.
// Each C element is one running sum over p in order, in the element type: float64 results equal the naive
// triple loop's exactly; float32 ones round like BLAS sgemm.

// ---------------------------------------------------------------------------------------------- float64

/** C rows [i, i + 4), columns [j, j + 4): 8 f64x2 accumulators, A values splatted, B rows loaded 2 at a time. */
@inline function dtile4x4(i: i32, j: i32, n: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, c: usize): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  const rowStep = sai << 3, pStep = sap << 3, bStep = <usize>n << 3;
  let ap = a + ((<usize>i * sai) << 3);
  let bp = b + (<usize>j << 3);
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    const x0 = f64x2.splat(load<f64>(ap)), x1 = f64x2.splat(load<f64>(ap + rowStep));
    const x2 = f64x2.splat(load<f64>(ap + 2 * rowStep)), x3 = f64x2.splat(load<f64>(ap + 3 * rowStep));
    c00 = f64x2.add(c00, f64x2.mul(x0, b0)); c01 = f64x2.add(c01, f64x2.mul(x0, b1));
    c10 = f64x2.add(c10, f64x2.mul(x1, b0)); c11 = f64x2.add(c11, f64x2.mul(x1, b1));
    c20 = f64x2.add(c20, f64x2.mul(x2, b0)); c21 = f64x2.add(c21, f64x2.mul(x2, b1));
    c30 = f64x2.add(c30, f64x2.mul(x3, b0)); c31 = f64x2.add(c31, f64x2.mul(x3, b1));
    ap += pStep;
    bp += bStep;
  }
  const cp = c + ((<usize>i * <usize>n + <usize>j) << 3);
  v128.store(cp, c00); v128.store(cp, c01, 16);
  v128.store(cp + bStep, c10); v128.store(cp + bStep, c11, 16);
  v128.store(cp + 2 * bStep, c20); v128.store(cp + 2 * bStep, c21, 16);
  v128.store(cp + 3 * bStep, c30); v128.store(cp + 3 * bStep, c31, 16);
}

/** C row i, columns [from, to): two columns at a time, then one. */
function drow(i: i32, from: i32, to: i32, n: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, c: usize): void {
  const pStep = sap << 3, bStep = <usize>n << 3;
  const a0 = a + ((<usize>i * sai) << 3);
  let j = from;
  for (; j + 2 <= to; j += 2) {
    let acc = f64x2.splat(0);
    let ap = a0, bp = b + (<usize>j << 3);
    for (let p = 0; p < k; p++) {
      acc = f64x2.add(acc, f64x2.mul(f64x2.splat(load<f64>(ap)), v128.load(bp)));
      ap += pStep;
      bp += bStep;
    }
    v128.store(c + ((<usize>i * <usize>n + <usize>j) << 3), acc);
  }
  for (; j < to; j++) {
    let s: f64 = 0;
    let ap = a0, bp = b + (<usize>j << 3);
    for (let p = 0; p < k; p++) {
      s += load<f64>(ap) * load<f64>(bp);
      ap += pStep;
      bp += bStep;
    }
    store<f64>(c + ((<usize>i * <usize>n + <usize>j) << 3), s);
  }
}

export function dgemm(m: i32, n: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, c: usize): void {
  const n4 = n & ~3;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    for (let j = 0; j < n4; j += 4) dtile4x4(i, j, n, k, a, sai, sap, b, c);
    if (n4 < n) for (let r = i; r < i + 4; r++) drow(r, n4, n, n, k, a, sai, sap, b, c);
  }
  for (; i < m; i++) drow(i, 0, n, n, k, a, sai, sap, b, c);
}

// ---------------------------------------------------------------------------------------------- float32

/** C rows [i, i + 4), columns [j, j + 8): 8 f32x4 accumulators. */
@inline function stile4x8(i: i32, j: i32, n: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, c: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const rowStep = sai << 2, pStep = sap << 2, bStep = <usize>n << 2;
  let ap = a + ((<usize>i * sai) << 2);
  let bp = b + (<usize>j << 2);
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    const x0 = f32x4.splat(load<f32>(ap)), x1 = f32x4.splat(load<f32>(ap + rowStep));
    const x2 = f32x4.splat(load<f32>(ap + 2 * rowStep)), x3 = f32x4.splat(load<f32>(ap + 3 * rowStep));
    c00 = f32x4.add(c00, f32x4.mul(x0, b0)); c01 = f32x4.add(c01, f32x4.mul(x0, b1));
    c10 = f32x4.add(c10, f32x4.mul(x1, b0)); c11 = f32x4.add(c11, f32x4.mul(x1, b1));
    c20 = f32x4.add(c20, f32x4.mul(x2, b0)); c21 = f32x4.add(c21, f32x4.mul(x2, b1));
    c30 = f32x4.add(c30, f32x4.mul(x3, b0)); c31 = f32x4.add(c31, f32x4.mul(x3, b1));
    ap += pStep;
    bp += bStep;
  }
  const cp = c + ((<usize>i * <usize>n + <usize>j) << 2);
  v128.store(cp, c00); v128.store(cp, c01, 16);
  v128.store(cp + bStep, c10); v128.store(cp + bStep, c11, 16);
  v128.store(cp + 2 * bStep, c20); v128.store(cp + 2 * bStep, c21, 16);
  v128.store(cp + 3 * bStep, c30); v128.store(cp + 3 * bStep, c31, 16);
}

/** C row i, columns [from, to): four columns at a time, then one. */
function srow(i: i32, from: i32, to: i32, n: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, c: usize): void {
  const pStep = sap << 2, bStep = <usize>n << 2;
  const a0 = a + ((<usize>i * sai) << 2);
  let j = from;
  for (; j + 4 <= to; j += 4) {
    let acc = f32x4.splat(0);
    let ap = a0, bp = b + (<usize>j << 2);
    for (let p = 0; p < k; p++) {
      acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(ap)), v128.load(bp)));
      ap += pStep;
      bp += bStep;
    }
    v128.store(c + ((<usize>i * <usize>n + <usize>j) << 2), acc);
  }
  for (; j < to; j++) {
    let s: f32 = 0;
    let ap = a0, bp = b + (<usize>j << 2);
    for (let p = 0; p < k; p++) {
      s += load<f32>(ap) * load<f32>(bp);
      ap += pStep;
      bp += bStep;
    }
    store<f32>(c + ((<usize>i * <usize>n + <usize>j) << 2), s);
  }
}

export function sgemm(m: i32, n: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, c: usize): void {
  const n8 = n & ~7;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    for (let j = 0; j < n8; j += 8) stile4x8(i, j, n, k, a, sai, sap, b, c);
    if (n8 < n) for (let r = i; r < i + 4; r++) srow(r, n8, n, n, k, a, sai, sap, b, c);
  }
  for (; i < m; i++) srow(i, 0, n, n, k, a, sai, sap, b, c);
}
