// AssemblyScript source of lib/wasm's matmul kernels (compiled by `npm run build:wasm`; not TypeScript).
//
// C = A * B for operands in this module's memory. lib/tensor/wasm-backend.ts may split a big product's rows
// among worker threads that share the memory, each calling the kernel on its own rows.
// op(A) is m x k with element (i, p) at a + (i * sai + p * sap) elements, so A can be read as stored
// (sai = k, sap = 1) or transposed (sai = 1, sap = m) without a copy.
// B comes packed in panels of 32 bytes per p (4 float64 or 8 float32 columns): panel jp holds row p's columns
// [w * jp, w * jp + w) at bytes (jp * k + p) * 32, zero-padded past the last column, so a tile reads B
// sequentially. C is row-major with a row stride of ldc elements, overwritten.
// Each C element is one running sum over p in order, in the element type. Compiled without relaxed SIMD
// (the "exact" build) every step is a multiply then an add, so float64 results equal the naive triple loop's
// exactly; compiled with it (the "fused" builds) every step is one fused multiply-add (relaxed_madd: one
// rounding where the hardware has FMA, as x86-64 since Haswell does), about twice the speed.
// The loops are blocked (MC rows by KC steps of p) so the operands a tile reads come from cache: without that
// a big A (thousands of rows) streams from memory once per panel.

// One generic kernel serves both types: T is f64 or f32, and the SIMD builtins take their lane type from T
// (f64x2 or f32x4), so a 32-byte panel row is two v128 either way.

/** acc + x * b: fused in the relaxed-SIMD builds, a separate multiply and add otherwise. */
@inline function madd<T>(acc: v128, x: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(x, b, acc);
  return v128.add<T>(acc, v128.mul<T>(x, b));
}

/**
 * Blocks: KC steps of p at a time (a panel's slice, KC * 32 bytes = 8 KB, stays in L1) for MC rows (an A block
 * of MC x KC, 128 KB of float64, stays in L2) while every panel passes; C is reloaded between p blocks, which
 * continues each running sum exactly where it stopped.
 */
const MC: i32 = 64;
const KC: i32 = 256;

/** C rows [i, i + 4) of one panel: 8 accumulators. */
@inline function tile<T>(i: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, c: usize, ldc: usize, first: bool): void {
  const size = <usize>sizeof<T>();
  let c00 = v128.splat<T>(0), c01 = v128.splat<T>(0), c10 = v128.splat<T>(0), c11 = v128.splat<T>(0);
  let c20 = v128.splat<T>(0), c21 = v128.splat<T>(0), c30 = v128.splat<T>(0), c31 = v128.splat<T>(0);
  if (!first) {
    const r = ldc * size, q = c + <usize>i * r;
    c00 = v128.load(q); c01 = v128.load(q, 16); c10 = v128.load(q + r); c11 = v128.load(q + r, 16);
    c20 = v128.load(q + 2 * r); c21 = v128.load(q + 2 * r, 16); c30 = v128.load(q + 3 * r); c31 = v128.load(q + 3 * r, 16);
  }
  const rowStep = sai * size, pStep = sap * size;
  let ap = a + <usize>i * sai * size;
  let bp = b;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    const x0 = v128.splat<T>(load<T>(ap)), x1 = v128.splat<T>(load<T>(ap + rowStep));
    const x2 = v128.splat<T>(load<T>(ap + 2 * rowStep)), x3 = v128.splat<T>(load<T>(ap + 3 * rowStep));
    c00 = madd<T>(c00, x0, b0); c01 = madd<T>(c01, x0, b1);
    c10 = madd<T>(c10, x1, b0); c11 = madd<T>(c11, x1, b1);
    c20 = madd<T>(c20, x2, b0); c21 = madd<T>(c21, x2, b1);
    c30 = madd<T>(c30, x3, b0); c31 = madd<T>(c31, x3, b1);
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
@inline function row<T>(i: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, c: usize, ldc: usize, first: bool): void {
  const size = <usize>sizeof<T>();
  let c0 = v128.splat<T>(0), c1 = v128.splat<T>(0);
  if (!first) { const q = c + <usize>i * ldc * size; c0 = v128.load(q); c1 = v128.load(q, 16); }
  const pStep = sap * size;
  let ap = a + <usize>i * sai * size;
  let bp = b;
  for (let p = 0; p < k; p++) {
    const x = v128.splat<T>(load<T>(ap));
    c0 = madd<T>(c0, x, v128.load(bp));
    c1 = madd<T>(c1, x, v128.load(bp, 16));
    ap += pStep;
    bp += 32;
  }
  const cp = c + <usize>i * ldc * size;
  v128.store(cp, c0); v128.store(cp, c1, 16);
}

/**
 * `panels` consecutive panels of C, MC rows at a time; ldc is C's row stride in elements (a thread given some
 * of the panels gets b and c at its first panel and the whole product's stride).
 */
@inline function gemm<T>(m: i32, panels: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, c: usize, ldc: usize): void {
  const size = <usize>sizeof<T>();
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    const ap = a + <usize>p0 * sap * size;
    for (let i0 = 0; i0 < m; i0 += MC) {
      const i1 = min(m, i0 + MC);
      for (let jp = 0; jp < panels; jp++) {
        const bp = b + ((<usize>jp * <usize>k + <usize>p0) << 5);
        const cp = c + (<usize>jp << 5);
        let i = i0;
        for (; i + 4 <= i1; i += 4) tile<T>(i, kc, ap, sai, sap, bp, cp, ldc, p0 == 0);
        for (; i < i1; i++) row<T>(i, kc, ap, sai, sap, bp, cp, ldc, p0 == 0);
      }
    }
  }
}

/**
 * B (k x n as stored, or n x k when trans) at src into the panel layout at dst (which must not overlap src):
 * panel jp holds row p's columns [w * jp, w * jp + w) at (jp * k + p) * 32 bytes, zero-padded past column n.
 */
@inline function pack<T>(k: i32, n: i32, trans: bool, src: usize, dst: usize): void {
  const size = <usize>sizeof<T>();
  const w = 32 / <i32>size;
  const panels = (n + w - 1) / w;
  const panelBytes = <usize>k << 5;
  if (!trans) {
    // Row p of B is read once, front to back, and dealt out to every panel.
    for (let p = 0; p < k; p++) {
      const row = src + <usize>p * <usize>n * size;
      const out = dst + (<usize>p << 5);
      let jp = 0;
      for (; (jp + 1) * w <= n; jp++) {
        const from = row + <usize>(jp * w) * size, to = out + <usize>jp * panelBytes;
        v128.store(to, v128.load(from));
        v128.store(to, v128.load(from, 16), 16);
      }
      if (jp < panels) {
        const to = out + <usize>jp * panelBytes;
        v128.store(to, v128.splat<i32>(0));
        v128.store(to, v128.splat<i32>(0), 16);
        for (let t = jp * w; t < n; t++) store<T>(to + <usize>(t - jp * w) * size, load<T>(row + <usize>t * size));
      }
    }
  } else {
    // Column j of op(B) is row j of the stored B: read sequentially, written with a 32-byte stride.
    for (let jp = 0; jp < panels; jp++) {
      const base = dst + <usize>jp * panelBytes;
      const cols = min(w, n - jp * w);
      if (cols < w) for (let p = 0; p < k; p++) {
        v128.store(base + (<usize>p << 5), v128.splat<i32>(0));
        v128.store(base + (<usize>p << 5), v128.splat<i32>(0), 16);
      }
      for (let t = 0; t < cols; t++) {
        const col = src + <usize>(jp * w + t) * <usize>k * size;
        const to = base + <usize>t * size;
        for (let p = 0; p < k; p++) store<T>(to + (<usize>p << 5), load<T>(col + <usize>p * size));
      }
    }
  }
}

export function dpack(k: i32, n: i32, trans: bool, src: usize, dst: usize): void {
  pack<f64>(k, n, trans, src, dst);
}

export function spack(k: i32, n: i32, trans: bool, src: usize, dst: usize): void {
  pack<f32>(k, n, trans, src, dst);
}

export function dgemm(m: i32, panels: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, c: usize, ldc: usize): void {
  gemm<f64>(m, panels, k, a, sai, sap, b, c, ldc);
}

export function sgemm(m: i32, panels: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, c: usize, ldc: usize): void {
  gemm<f32>(m, panels, k, a, sai, sap, b, c, ldc);
}
