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

// One generic kernel serves both types: T is f64 or f32, and the SIMD builtins take their lane type from T
// (f64x2 or f32x4), so a 32-byte panel row is two v128 either way.

/** C rows [i, i + 4) of one panel: 8 accumulators. */
@inline function tile<T>(i: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, c: usize, ldc: usize): void {
  const size = <usize>sizeof<T>();
  let c00 = v128.splat<T>(0), c01 = v128.splat<T>(0), c10 = v128.splat<T>(0), c11 = v128.splat<T>(0);
  let c20 = v128.splat<T>(0), c21 = v128.splat<T>(0), c30 = v128.splat<T>(0), c31 = v128.splat<T>(0);
  const rowStep = sai * size, pStep = sap * size;
  let ap = a + <usize>i * sai * size;
  let bp = b;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    const x0 = v128.splat<T>(load<T>(ap)), x1 = v128.splat<T>(load<T>(ap + rowStep));
    const x2 = v128.splat<T>(load<T>(ap + 2 * rowStep)), x3 = v128.splat<T>(load<T>(ap + 3 * rowStep));
    c00 = v128.add<T>(c00, v128.mul<T>(x0, b0)); c01 = v128.add<T>(c01, v128.mul<T>(x0, b1));
    c10 = v128.add<T>(c10, v128.mul<T>(x1, b0)); c11 = v128.add<T>(c11, v128.mul<T>(x1, b1));
    c20 = v128.add<T>(c20, v128.mul<T>(x2, b0)); c21 = v128.add<T>(c21, v128.mul<T>(x2, b1));
    c30 = v128.add<T>(c30, v128.mul<T>(x3, b0)); c31 = v128.add<T>(c31, v128.mul<T>(x3, b1));
    ap += pStep;
    bp += 32;
  }
  const rowC = ldc * size;
  const cp = c + <usize>i * rowC;
  v128.store(cp, c00); v128.store(cp, c01, 16);
  v128.store(cp + rowC, c10); v128.store(cp + rowC, c11, 16);
  v128.store(cp + 2 * rowC, c20); v128.store(cp + 2 * rowC, c21, 16);
  v128.store(cp + 3 * rowC, c30); v128.store(cp + 3 * rowC, c31, 16);
}

/** C row i of one panel. */
@inline function row<T>(i: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, c: usize, ldc: usize): void {
  const size = <usize>sizeof<T>();
  let c0 = v128.splat<T>(0), c1 = v128.splat<T>(0);
  const pStep = sap * size;
  let ap = a + <usize>i * sai * size;
  let bp = b;
  for (let p = 0; p < k; p++) {
    const x = v128.splat<T>(load<T>(ap));
    c0 = v128.add<T>(c0, v128.mul<T>(x, v128.load(bp)));
    c1 = v128.add<T>(c1, v128.mul<T>(x, v128.load(bp, 16)));
    ap += pStep;
    bp += 32;
  }
  const cp = c + <usize>i * ldc * size;
  v128.store(cp, c0); v128.store(cp, c1, 16);
}

/** All panels of C (panels * 32 / sizeof<T>() columns, the row stride). */
@inline function gemm<T>(m: i32, panels: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, c: usize): void {
  const ldc = (<usize>panels << 5) / <usize>sizeof<T>();
  for (let jp = 0; jp < panels; jp++) {
    const bp = b + ((<usize>jp * <usize>k) << 5);
    const cp = c + (<usize>jp << 5);
    let i = 0;
    for (; i + 4 <= m; i += 4) tile<T>(i, k, a, sai, sap, bp, cp, ldc);
    for (; i < m; i++) row<T>(i, k, a, sai, sap, bp, cp, ldc);
  }
}

export function dgemm(m: i32, panels: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, c: usize): void {
  gemm<f64>(m, panels, k, a, sai, sap, b, c);
}

export function sgemm(m: i32, panels: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, c: usize): void {
  gemm<f32>(m, panels, k, a, sai, sap, b, c);
}
