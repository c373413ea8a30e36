// AssemblyScript source of lib/wasm's matmul kernels (compiled by `npm run build:wasm`; not TypeScript).
//
// C = A * B for operands in this module's memory. op(A) is m x k with element (i, p) at a + (i * sai + p * sap)
// elements, so A can be read as stored (sai = k, sap = 1) or transposed (sai = 1, sap = m) without a copy.
// B comes packed in panels of 32 bytes per p (4 float64 or 8 float32 columns): panel jp holds row p's columns
// [w * jp, w * jp + w) at bytes (jp * k + p) * 32, zero-padded past the last column, so a tile reads B
// sequentially. C is m x (panels * w), row-major, overwritten. Panels run in the outer loop: one panel
// (k * 32 bytes) stays in cache while every row block of A streams past it.
// Each C element is one running sum over p in order, in the element type: float64 results equal the naive
// triple loop's exactly; float32 ones round like BLAS sgemm.

// ---------------------------------------------------------------------------------------------- float64

/** C rows [i, i + 4) of one panel (4 columns): 8 f64x2 accumulators. */
@inline function dtile(i: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, c: usize, ldc: usize): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  const rowStep = sai << 3, pStep = sap << 3;
  let ap = a + ((<usize>i * sai) << 3);
  let bp = b;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    const x0 = f64x2.splat(load<f64>(ap)), x1 = f64x2.splat(load<f64>(ap + rowStep));
    const x2 = f64x2.splat(load<f64>(ap + 2 * rowStep)), x3 = f64x2.splat(load<f64>(ap + 3 * rowStep));
    c00 = f64x2.add(c00, f64x2.mul(x0, b0)); c01 = f64x2.add(c01, f64x2.mul(x0, b1));
    c10 = f64x2.add(c10, f64x2.mul(x1, b0)); c11 = f64x2.add(c11, f64x2.mul(x1, b1));
    c20 = f64x2.add(c20, f64x2.mul(x2, b0)); c21 = f64x2.add(c21, f64x2.mul(x2, b1));
    c30 = f64x2.add(c30, f64x2.mul(x3, b0)); c31 = f64x2.add(c31, f64x2.mul(x3, b1));
    ap += pStep;
    bp += 32;
  }
  const rowC = ldc << 3;
  const cp = c + <usize>i * rowC;
  v128.store(cp, c00); v128.store(cp, c01, 16);
  v128.store(cp + rowC, c10); v128.store(cp + rowC, c11, 16);
  v128.store(cp + 2 * rowC, c20); v128.store(cp + 2 * rowC, c21, 16);
  v128.store(cp + 3 * rowC, c30); v128.store(cp + 3 * rowC, c31, 16);
}

/** C row i of one panel. */
@inline function drow(i: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, c: usize, ldc: usize): void {
  let c0 = f64x2.splat(0), c1 = f64x2.splat(0);
  const pStep = sap << 3;
  let ap = a + ((<usize>i * sai) << 3);
  let bp = b;
  for (let p = 0; p < k; p++) {
    const x = f64x2.splat(load<f64>(ap));
    c0 = f64x2.add(c0, f64x2.mul(x, v128.load(bp)));
    c1 = f64x2.add(c1, f64x2.mul(x, v128.load(bp, 16)));
    ap += pStep;
    bp += 32;
  }
  const cp = c + ((<usize>i * ldc) << 3);
  v128.store(cp, c0); v128.store(cp, c1, 16);
}

export function dgemm(m: i32, panels: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, c: usize): void {
  const ldc = <usize>panels << 2;
  for (let jp = 0; jp < panels; jp++) {
    const bp = b + ((<usize>jp * <usize>k) << 5);
    const cp = c + (<usize>jp << 5);
    let i = 0;
    for (; i + 4 <= m; i += 4) dtile(i, k, a, sai, sap, bp, cp, ldc);
    for (; i < m; i++) drow(i, k, a, sai, sap, bp, cp, ldc);
  }
}

// ---------------------------------------------------------------------------------------------- float32

/** C rows [i, i + 4) of one panel (8 columns): 8 f32x4 accumulators. */
@inline function stile(i: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, c: usize, ldc: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const rowStep = sai << 2, pStep = sap << 2;
  let ap = a + ((<usize>i * sai) << 2);
  let bp = b;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    const x0 = f32x4.splat(load<f32>(ap)), x1 = f32x4.splat(load<f32>(ap + rowStep));
    const x2 = f32x4.splat(load<f32>(ap + 2 * rowStep)), x3 = f32x4.splat(load<f32>(ap + 3 * rowStep));
    c00 = f32x4.add(c00, f32x4.mul(x0, b0)); c01 = f32x4.add(c01, f32x4.mul(x0, b1));
    c10 = f32x4.add(c10, f32x4.mul(x1, b0)); c11 = f32x4.add(c11, f32x4.mul(x1, b1));
    c20 = f32x4.add(c20, f32x4.mul(x2, b0)); c21 = f32x4.add(c21, f32x4.mul(x2, b1));
    c30 = f32x4.add(c30, f32x4.mul(x3, b0)); c31 = f32x4.add(c31, f32x4.mul(x3, b1));
    ap += pStep;
    bp += 32;
  }
  const rowC = ldc << 2;
  const cp = c + <usize>i * rowC;
  v128.store(cp, c00); v128.store(cp, c01, 16);
  v128.store(cp + rowC, c10); v128.store(cp + rowC, c11, 16);
  v128.store(cp + 2 * rowC, c20); v128.store(cp + 2 * rowC, c21, 16);
  v128.store(cp + 3 * rowC, c30); v128.store(cp + 3 * rowC, c31, 16);
}

/** C row i of one panel. */
@inline function srow(i: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, c: usize, ldc: usize): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  const pStep = sap << 2;
  let ap = a + ((<usize>i * sai) << 2);
  let bp = b;
  for (let p = 0; p < k; p++) {
    const x = f32x4.splat(load<f32>(ap));
    c0 = f32x4.add(c0, f32x4.mul(x, v128.load(bp)));
    c1 = f32x4.add(c1, f32x4.mul(x, v128.load(bp, 16)));
    ap += pStep;
    bp += 32;
  }
  const cp = c + ((<usize>i * ldc) << 2);
  v128.store(cp, c0); v128.store(cp, c1, 16);
}

export function sgemm(m: i32, panels: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, c: usize): void {
  const ldc = <usize>panels << 3;
  for (let jp = 0; jp < panels; jp++) {
    const bp = b + ((<usize>jp * <usize>k) << 5);
    const cp = c + (<usize>jp << 5);
    let i = 0;
    for (; i + 4 <= m; i += 4) stile(i, k, a, sai, sap, bp, cp, ldc);
    for (; i < m; i++) srow(i, k, a, sai, sap, bp, cp, ldc);
  }
}
