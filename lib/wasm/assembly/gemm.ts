// AssemblyScript source of lib/wasm's matmul kernels (compiled by `npm run build:wasm`; not TypeScript).
//
// C = A * B for operands in this module's memory. lib/tensor/wasm-backend.ts may split a big product's rows
// among worker threads that share the memory, each calling the kernel on its own rows.
// op(A) is m x k with element (i, p) at a + (i * sai + p * sap) elements, so A can be read as stored
// (sai = k, sap = 1) or transposed (sai = 1, sap = m). A transposed A is copied block by block into the
// caller's scratch (GEMM_SCRATCH_BYTES, one per thread) so that tiles read it sequentially.
// B is read in panels of w = 32 bytes' columns (4 float64 or 8 float32): panel jp's row p (columns
// [w * jp, w * jp + w)) at b + jp * sbj + p * sbp bytes. A product with few rows reads B as stored in place
// (sbp = n * size, sbj = 32; a last partial panel reads past column n into the next row, lanes that only reach
// C's padding columns); otherwise B is first packed (dpanel/spanel as stored, dpack/spack transposed: sbp = 32,
// sbj = k * 32, zero-padded), so a tile reads it sequentially. C is row-major with a row stride of ldc
// elements, overwritten.
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
 * Blocks: KC steps of p at a time (a panel's slice, KC rows of 32 bytes, stays in L1) for MC rows (an A block
 * of MC x KC, 128 KB of float64, stays in L2) while every panel passes; C is reloaded between p blocks, which
 * continues each running sum exactly where it stopped.
 */
const MC: i32 = 64;
const KC: i32 = 256;

/** C rows [i, i + 4) of one panel: 8 accumulators. */
@inline function tile<T>(i: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, sbp: usize, c: usize, ldc: usize, first: bool): void {
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
    const x0 = v128.load_splat<T>(ap), x1 = v128.load_splat<T>(ap + rowStep);
    const x2 = v128.load_splat<T>(ap + 2 * rowStep), x3 = v128.load_splat<T>(ap + 3 * rowStep);
    c00 = madd<T>(c00, x0, b0); c01 = madd<T>(c01, x0, b1);
    c10 = madd<T>(c10, x1, b0); c11 = madd<T>(c11, x1, b1);
    c20 = madd<T>(c20, x2, b0); c21 = madd<T>(c21, x2, b1);
    c30 = madd<T>(c30, x3, b0); c31 = madd<T>(c31, x3, b1);
    ap += pStep;
    bp += sbp;
  }
  const rowC = ldc * size;
  const cp = c + <usize>i * rowC;
  v128.store(cp, c00); v128.store(cp, c01, 16);
  v128.store(cp + rowC, c10); v128.store(cp + rowC, c11, 16);
  v128.store(cp + 2 * rowC, c20); v128.store(cp + 2 * rowC, c21, 16);
  v128.store(cp + 3 * rowC, c30); v128.store(cp + 3 * rowC, c31, 16);
}

/** C row i of one panel. */
@inline function row<T>(i: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, sbp: usize, c: usize, ldc: usize, first: bool): void {
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
    bp += sbp;
  }
  const cp = c + <usize>i * ldc * size;
  v128.store(cp, c0); v128.store(cp, c1, 16);
}

/**
 * `panels` consecutive panels of C, MC rows at a time; ldc is C's row stride in elements (a thread given some
 * of the panels gets b and c at its first panel and the whole product's stride); scratch is
 * GEMM_SCRATCH_BYTES of this thread's own, used when A is read transposed.
 */
@inline function gemm<T>(m: i32, panels: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, sbp: usize, sbj: usize, c: usize, ldc: usize, scratch: usize): void {
  const size = <usize>sizeof<T>();
  // A read transposed (sap > 1) steps m elements per p, a new page every step (TLB misses; twice the time of A as
  // stored): each MC x KC block is first copied into scratch, p-major with a stride of MC, and read from there.
  // Only where the values are read from changes, so every C element's sum and bits stay the same.
  const packA = sap != 1;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    for (let i0 = 0; i0 < m; i0 += MC) {
      const i1 = min(m, i0 + MC);
      let ab = a + <usize>p0 * sap * size, bsai = sai, bsap = sap, bi0 = i0;
      if (packA) {
        packBlock<T>(i1 - i0, kc, a + (<usize>p0 * sap + <usize>i0 * sai) * size, sap, scratch);
        ab = scratch; bsai = 1; bsap = MC; bi0 = 0;
      }
      for (let jp = 0; jp < panels; jp++) {
        const bp = b + <usize>jp * sbj + <usize>p0 * sbp;
        const cp = c + (<usize>jp << 5) + <usize>(i0 - bi0) * ldc * size;
        let i = bi0;
        const iEnd = bi0 + i1 - i0;
        for (; i + 4 <= iEnd; i += 4) tile<T>(i, kc, ab, bsai, bsap, bp, sbp, cp, ldc, p0 == 0);
        for (; i < iEnd; i++) row<T>(i, kc, ab, bsai, bsap, bp, sbp, cp, ldc, p0 == 0);
      }
    }
  }
}

/** rows x kc of a transposed A (row i, step p at src + (i + p * sap) elements) to dst + (p * MC + i) elements. */
@inline function packBlock<T>(rows: i32, kc: i32, src: usize, sap: usize, dst: usize): void {
  const size = <usize>sizeof<T>();
  const bytes = <usize>rows * size;
  const vecBytes = bytes & ~(<usize>15);
  for (let p = 0; p < kc; p++) {
    const from = src + <usize>p * sap * size, to = dst + <usize>p * <usize>MC * size;
    let o: usize = 0;
    for (; o < vecBytes; o += 16) v128.store(to + o, v128.load(from + o));
    for (; o < bytes; o += size) store<T>(to + o, load<T>(from + o));
  }
}

/**
 * A transposed B (stored n x k: op(B)'s column j is stored row j) at src into panels at dst (which must not
 * overlap src): panel jp holds op(B) row p's columns [w * jp, w * jp + w) at (jp * k + p) * 32 bytes,
 * zero-padded past column n. Each stored row is read sequentially and written with a 32-byte stride.
 */
@inline function packTransposed<T>(k: i32, n: i32, src: usize, dst: usize): void {
  const size = <usize>sizeof<T>();
  const w = 32 / <i32>size;
  const panels = (n + w - 1) / w;
  const panelBytes = <usize>k << 5;
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

/**
 * `rows` rows of B as stored (row-major, n wide) at src into panels at dst (which must not overlap src), laid
 * out as packTransposed lays them for a B of k rows: panel jp holds row p's columns [w * jp, w * jp + w) at
 * (jp * k + p) * 32 bytes from dst, zero-padded past column n. The caller packs B a block of rows at a time (dst
 * moved on by 32 bytes per row), each block staged in cache: packing all of a wide B in one pass read every
 * panel's 32 bytes down all k rows, a new page per read. Read in place, a tile steps n elements per p (a new
 * page every step for a wide B); packed, it reads 32 bytes after 32 bytes.
 */
@inline function packStored<T>(rows: i32, n: i32, src: usize, dst: usize, k: i32): void {
  const size = <usize>sizeof<T>();
  const w = 32 / <i32>size;
  const full = n / w;
  const panelBytes = <usize>k << 5;
  for (let jp = 0; jp < full; jp++) {
    const from = src + (<usize>jp << 5), to = dst + <usize>jp * panelBytes;
    for (let p = 0; p < rows; p++) {
      const row = from + <usize>p * <usize>n * size, at = to + (<usize>p << 5);
      v128.store(at, v128.load(row));
      v128.store(at, v128.load(row, 16), 16);
    }
  }
  const cols = n - full * w;
  if (cols > 0) {
    const to = dst + <usize>full * panelBytes;
    for (let p = 0; p < rows; p++) {
      const row = src + (<usize>p * <usize>n + <usize>(full * w)) * size, at = to + (<usize>p << 5);
      v128.store(at, v128.splat<i32>(0));
      v128.store(at, v128.splat<i32>(0), 16);
      for (let t = 0; t < cols; t++) store<T>(at + <usize>t * size, load<T>(row + <usize>t * size));
    }
  }
}

export function dpanel(rows: i32, n: i32, src: usize, dst: usize, k: i32): void {
  packStored<f64>(rows, n, src, dst, k);
}

export function spanel(rows: i32, n: i32, src: usize, dst: usize, k: i32): void {
  packStored<f32>(rows, n, src, dst, k);
}

/** C's rows from a stride of `from` bytes to `to` (<= from), in place: row i moves back, never over a row not yet moved. */
export function compact(rows: i32, from: usize, to: usize, c: usize): void {
  for (let i = 1; i < rows; i++) memory.copy(c + <usize>i * to, c + <usize>i * from, to);
}

export function dpack(k: i32, n: i32, src: usize, dst: usize): void {
  packTransposed<f64>(k, n, src, dst);
}

export function spack(k: i32, n: i32, src: usize, dst: usize): void {
  packTransposed<f32>(k, n, src, dst);
}

export function dgemm(m: i32, panels: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, sbp: usize, sbj: usize, c: usize, ldc: usize, scratch: usize): void {
  gemm<f64>(m, panels, k, a, sai, sap, b, sbp, sbj, c, ldc, scratch);
}

export function sgemm(m: i32, panels: i32, k: i32, a: usize, sai: usize, sap: usize, b: usize, sbp: usize, sbj: usize, c: usize, ldc: usize, scratch: usize): void {
  gemm<f32>(m, panels, k, a, sai, sap, b, sbp, sbj, c, ldc, scratch);
}

/** Bytes of scratch one gemm call needs when A is read transposed (an MC x KC float64 block). */
export const GEMM_SCRATCH_BYTES: i32 = MC * KC * 8;
