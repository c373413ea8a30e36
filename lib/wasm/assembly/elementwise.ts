// AssemblyScript source of lib/wasm's elementwise kernels (compiled with gemm.ts into one module by
// `npm run build:wasm`; not TypeScript). They compute exactly what lib/tensor/portable-elementwise.ts computes:
// every value in double precision (float32 operands promoted, two at a time in f64x2 lanes) and rounded once to
// the element type, sums with the same 8 running sums added in the same order, so results are bit-identical.
// Pointers are byte addresses in this module's memory; T is f64 or f32, the type of every operand.

/** Two elements at p as an f64x2. */
@inline function load2<T>(p: usize): v128 {
  if (sizeof<T>() == 8) return v128.load(p);
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** An f64x2 rounded to T, stored as two elements at p. */
@inline function store2<T>(p: usize, v: v128): void {
  if (sizeof<T>() == 8) v128.store(p, v);
  else v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
}

@inline function load1<T>(p: usize): f64 {
  return <f64>load<T>(p);
}

@inline function store1<T>(p: usize, v: f64): void {
  store<T>(p, <T>v);
}

/** 0 add, 1 sub, 2 mul, 3 div (a constant after inlining, so each loop has one operation). */
@inline function op2(op: i32, x: v128, y: v128): v128 {
  if (op == 0) return f64x2.add(x, y);
  if (op == 1) return f64x2.sub(x, y);
  if (op == 2) return f64x2.mul(x, y);
  return f64x2.div(x, y);
}

@inline function op1(op: i32, x: f64, y: f64): f64 {
  if (op == 0) return x + y;
  if (op == 1) return x - y;
  if (op == 2) return x * y;
  return x / y;
}

/** op on four f32 lanes (float32 operands only, see run). */
@inline function op4(op: i32, x: v128, y: v128): v128 {
  if (op == 0) return f32x4.add(x, y);
  if (op == 1) return f32x4.sub(x, y);
  if (op == 2) return f32x4.mul(x, y);
  return f32x4.div(x, y);
}

/**
 * out[i] = a[i] op b[i] for i < n, or a[i] op s when scalar. Float32 operands (and a scalar that is a float32
 * value) are computed four at a time in f32 lanes: the double-precision result of +, -, * or / on two float32
 * values rounds to the same float32 as the float32 operation (53 >= 2 * 24 + 2 bits), so the bits are the
 * portable loop's. A scalar that is not a float32 value (1e-4, say) takes the f64 lanes.
 */
@inline function run<T>(op: i32, a: usize, b: usize, scalar: bool, s: f64, out: usize, n: i32): void {
  const size = <usize>sizeof<T>();
  let i = 0;
  if (sizeof<T>() == 4 && (!scalar || <f64><f32>s == s)) {
    const sv = f32x4.splat(<f32>s);
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      v128.store(out + at, op4(op, v128.load(a + at), scalar ? sv : v128.load(b + at)));
    }
  } else if (scalar) {
    const sv = f64x2.splat(s);
    for (; i + 2 <= n; i += 2) store2<T>(out + <usize>i * size, op2(op, load2<T>(a + <usize>i * size), sv));
  } else {
    for (; i + 2 <= n; i += 2) {
      const at = <usize>i * size;
      store2<T>(out + at, op2(op, load2<T>(a + at), load2<T>(b + at)));
    }
  }
  for (; i < n; i++) {
    const at = <usize>i * size;
    store1<T>(out + at, op1(op, load1<T>(a + at), scalar ? s : load1<T>(b + at)));
  }
}

/** Broadcast 0: b[i]; 1: the scalar s; 2: b[i % L] (a row vector); 3: b[floor(i / L)] (a column). */
@inline function arithOp<T>(op: i32, a: usize, b: usize, s: f64, out: usize, n: i32, broadcast: i32, L: i32): void {
  const size = <usize>sizeof<T>();
  if (broadcast == 0) run<T>(op, a, b, false, 0, out, n);
  else if (broadcast == 1) run<T>(op, a, 0, true, s, out, n);
  else if (broadcast == 2) {
    for (let row = 0; row < n; row += L) run<T>(op, a + <usize>row * size, b, false, 0, out + <usize>row * size, L);
  } else {
    for (let r = 0, row = 0; row < n; r++, row += L) {
      run<T>(op, a + <usize>row * size, 0, true, load1<T>(b + <usize>r * size), out + <usize>row * size, L);
    }
  }
}

@inline function arith<T>(op: i32, a: usize, b: usize, s: f64, out: usize, n: i32, broadcast: i32, L: i32): void {
  if (op == 0) arithOp<T>(0, a, b, s, out, n, broadcast, L);
  else if (op == 1) arithOp<T>(1, a, b, s, out, n, broadcast, L);
  else if (op == 2) arithOp<T>(2, a, b, s, out, n, broadcast, L);
  else arithOp<T>(3, a, b, s, out, n, broadcast, L);
}

export function darith(op: i32, a: usize, b: usize, s: f64, out: usize, n: i32, broadcast: i32, L: i32): void {
  arith<f64>(op, a, b, s, out, n, broadcast, L);
}

export function sarith(op: i32, a: usize, b: usize, s: f64, out: usize, n: i32, broadcast: i32, L: i32): void {
  arith<f32>(op, a, b, s, out, n, broadcast, L);
}

/** A comparison's 0 or 1 (an i32, no branch): 4 gt, 5 ge, 6 lt, 7 le. */
@inline function cmp(op: i32, x: f64, s: f64): i32 {
  if (op == 4) return <i32>(x > s);
  if (op == 5) return <i32>(x >= s);
  if (op == 6) return <i32>(x < s);
  return <i32>(x <= s);
}

/** out[i] = a[i] op s ? 1 : 0 as bytes (float32 values compared in double, as in JavaScript), i < n. */
@inline function compare<T>(op: i32, a: usize, s: f64, out: usize, n: i32): void {
  const size = <usize>sizeof<T>();
  for (let i = 0; i < n; i++) store<u8>(out + <usize>i, cmp(op, load1<T>(a + <usize>i * size), s));
}

@inline function compareOp<T>(op: i32, a: usize, s: f64, out: usize, n: i32): void {
  if (op == 4) compare<T>(4, a, s, out, n);
  else if (op == 5) compare<T>(5, a, s, out, n);
  else if (op == 6) compare<T>(6, a, s, out, n);
  else compare<T>(7, a, s, out, n);
}

export function dcompare(op: i32, a: usize, s: f64, out: usize, n: i32): void {
  compareOp<f64>(op, a, s, out, n);
}

export function scompare(op: i32, a: usize, s: f64, out: usize, n: i32): void {
  compareOp<f32>(op, a, s, out, n);
}

/**
 * out[i] = a[i] op m[i] for a mask m of bytes (a bool tensor, e.g. a ReLU's x.gt(0)), i < n. A byte converts to
 * float exactly, so float32 takes four f32 lanes with the portable loop's bits (as in run).
 */
@inline function maskArith<T>(op: i32, a: usize, m: usize, out: usize, n: i32): void {
  const size = <usize>sizeof<T>();
  let i = 0;
  if (sizeof<T>() == 4) {
    for (; i + 4 <= n; i += 4) {
      const bytes = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(m + <usize>i)));
      const at = <usize>i << 2;
      v128.store(out + at, op4(op, v128.load(a + at), f32x4.convert_i32x4_u(bytes)));
    }
  } else {
    for (; i + 2 <= n; i += 2) {
      const bytes = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load16_splat(m + <usize>i)));
      const at = <usize>i << 3;
      v128.store(out + at, op2(op, v128.load(a + at), f64x2.convert_low_i32x4_u(bytes)));
    }
  }
  for (; i < n; i++) {
    const at = <usize>i * size;
    store1<T>(out + at, op1(op, load1<T>(a + at), <f64>load<u8>(m + <usize>i)));
  }
}

@inline function maskArithOp<T>(op: i32, a: usize, m: usize, out: usize, n: i32): void {
  if (op == 0) maskArith<T>(0, a, m, out, n);
  else if (op == 1) maskArith<T>(1, a, m, out, n);
  else if (op == 2) maskArith<T>(2, a, m, out, n);
  else maskArith<T>(3, a, m, out, n);
}

export function dmaskArith(op: i32, a: usize, m: usize, out: usize, n: i32): void {
  maskArithOp<f64>(op, a, m, out, n);
}

export function smaskArith(op: i32, a: usize, m: usize, out: usize, n: i32): void {
  maskArithOp<f32>(op, a, m, out, n);
}

/** y[i] = y[i] + alpha * x[i]: a multiply, then an add (no fused multiply-add, as in JavaScript). */
@inline function axpy<T>(y: usize, x: usize, n: i32, alpha: f64): void {
  const size = <usize>sizeof<T>();
  const av = f64x2.splat(alpha);
  let i = 0;
  // Unrolled to four elements a step (two f64x2): V8 does not unroll, and the loop's own cost showed.
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i * size, at2 = at + 2 * size;
    store2<T>(y + at, f64x2.add(load2<T>(y + at), f64x2.mul(av, load2<T>(x + at))));
    store2<T>(y + at2, f64x2.add(load2<T>(y + at2), f64x2.mul(av, load2<T>(x + at2))));
  }
  for (; i + 2 <= n; i += 2) {
    const at = <usize>i * size;
    store2<T>(y + at, f64x2.add(load2<T>(y + at), f64x2.mul(av, load2<T>(x + at))));
  }
  for (; i < n; i++) {
    const at = <usize>i * size;
    store1<T>(y + at, load1<T>(y + at) + alpha * load1<T>(x + at));
  }
}

export function daxpy(y: usize, x: usize, n: i32, alpha: f64): void {
  axpy<f64>(y, x, n, alpha);
}

export function saxpy(y: usize, x: usize, n: i32, alpha: f64): void {
  axpy<f32>(y, x, n, alpha);
}

/** out[i] = v < lo ? lo : v > hi ? hi : v (NaN compares false both ways and stays NaN). */
@inline function clamp<T>(src: usize, out: usize, n: i32, lo: f64, hi: f64): void {
  const size = <usize>sizeof<T>();
  const lv = f64x2.splat(lo), hv = f64x2.splat(hi);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const at = <usize>i * size;
    const v = load2<T>(src + at);
    const upper = v128.bitselect(hv, v, f64x2.gt(v, hv));
    store2<T>(out + at, v128.bitselect(lv, upper, f64x2.lt(v, lv)));
  }
  for (; i < n; i++) {
    const at = <usize>i * size;
    const v = load1<T>(src + at);
    store1<T>(out + at, v < lo ? lo : v > hi ? hi : v);
  }
}

export function dclamp(src: usize, out: usize, n: i32, lo: f64, hi: f64): void {
  clamp<f64>(src, out, n, lo, hi);
}

export function sclamp(src: usize, out: usize, n: i32, lo: f64, hi: f64): void {
  clamp<f32>(src, out, n, lo, hi);
}

/** The 8 running sums (lanes 0-1, 2-3, 4-5, 6-7 of four f64x2) added in order. */
@inline function lanesTotal(v0: v128, v1: v128, v2: v128, v3: v128): f64 {
  let s: f64 = 0;
  s += f64x2.extract_lane(v0, 0); s += f64x2.extract_lane(v0, 1);
  s += f64x2.extract_lane(v1, 0); s += f64x2.extract_lane(v1, 1);
  s += f64x2.extract_lane(v2, 0); s += f64x2.extract_lane(v2, 1);
  s += f64x2.extract_lane(v3, 0); s += f64x2.extract_lane(v3, 1);
  return s;
}

/** Two squares rounded to T (as a stored t.mul(t) is), as an f64x2. */
@inline function square2<T>(p: usize): v128 {
  if (sizeof<T>() == 8) {
    const v = v128.load(p);
    return f64x2.mul(v, v);
  }
  const v = v128.load64_zero(p);
  return f64x2.promote_low_f32x4(f32x4.mul(v, v));
}

/** Two elements at p (their squares, each rounded to T, when `squares`) as an f64x2. */
@inline function term2<T>(p: usize, squares: bool): v128 {
  return squares ? square2<T>(p) : load2<T>(p);
}

/**
 * The 8 running sums of portable-elementwise.ts's rowSum and sumSquares over the n elements at x (their squares,
 * each rounded to T as a stored t.mul(t) is, when `squares`), continued from the four f64x2 at `lanes` when
 * `resume` (a caller feeding a long array in pieces of a multiple of 8). With `finish` the lanes are added in
 * order and the tail (n % 8 elements) after them, and that total is returned; otherwise the lanes are stored back
 * at `lanes` (which must then hold 64 bytes) and every element must have been taken (n % 8 == 0).
 */
@inline function laneSum<T>(x: usize, n: i32, squares: bool, lanes: usize, resume: bool, finish: bool): f64 {
  const size = <usize>sizeof<T>();
  let v0 = f64x2.splat(0), v1 = f64x2.splat(0), v2 = f64x2.splat(0), v3 = f64x2.splat(0);
  if (resume) { v0 = v128.load(lanes); v1 = v128.load(lanes, 16); v2 = v128.load(lanes, 32); v3 = v128.load(lanes, 48); }
  let k = 0;
  for (; k + 8 <= n; k += 8) {
    const p = x + <usize>k * size;
    v0 = f64x2.add(v0, term2<T>(p, squares));
    v1 = f64x2.add(v1, term2<T>(p + 2 * size, squares));
    v2 = f64x2.add(v2, term2<T>(p + 4 * size, squares));
    v3 = f64x2.add(v3, term2<T>(p + 6 * size, squares));
  }
  if (!finish) {
    v128.store(lanes, v0); v128.store(lanes, v1, 16); v128.store(lanes, v2, 32); v128.store(lanes, v3, 48);
    return 0;
  }
  let s = lanesTotal(v0, v1, v2, v3);
  for (; k < n; k++) {
    const v = load<T>(x + <usize>k * size);
    s += squares ? <f64>(v * v) : <f64>v;
  }
  return s;
}

/**
 * One piece of a long sum (of squares when `squares`): `first` starts the running sums, `last` returns the total
 * (rounded to T for squares, as sumSquares is; a plain sum's caller rounds it when it stores it). Pieces before
 * the last must have a multiple of 8 elements. lanes: 64 bytes of scratch kept between the calls.
 */
@inline function sumPiece<T>(x: usize, n: i32, lanes: usize, squares: bool, first: bool, last: bool): f64 {
  const total = laneSum<T>(x, n, squares, lanes, !first, last);
  return squares ? <f64><T>total : total;
}

export function dsumPiece(x: usize, n: i32, lanes: usize, squares: bool, first: bool, last: bool): f64 {
  return sumPiece<f64>(x, n, lanes, squares, first, last);
}

export function ssumPiece(x: usize, n: i32, lanes: usize, squares: bool, first: bool, last: bool): f64 {
  return sumPiece<f32>(x, n, lanes, squares, first, last);
}

/**
 * out[o * inner + i] = sum over k < size of src[(o * size + k) * inner + i]. inner 1: laneSum per o; otherwise
 * one running sum per column in the f64 scratch `acc` (inner elements), as the TypeScript loop keeps them.
 */
@inline function sum<T>(src: usize, out: usize, outer: i32, size: i32, inner: i32, acc: usize): void {
  const es = <usize>sizeof<T>();
  if (inner == 1) {
    for (let o = 0; o < outer; o++) store1<T>(out + <usize>o * es, laneSum<T>(src + <usize>o * <usize>size * es, size, false, 0, false, true));
    return;
  }
  for (let o = 0; o < outer; o++) {
    memory.fill(acc, 0, <usize>inner << 3);
    for (let k = 0; k < size; k++) {
      const base = src + (<usize>o * <usize>size + <usize>k) * <usize>inner * es;
      let i = 0;
      for (; i + 2 <= inner; i += 2) {
        const ap = acc + (<usize>i << 3);
        v128.store(ap, f64x2.add(v128.load(ap), load2<T>(base + <usize>i * es)));
      }
      for (; i < inner; i++) {
        const ap = acc + (<usize>i << 3);
        store<f64>(ap, load<f64>(ap) + load1<T>(base + <usize>i * es));
      }
    }
    const to = out + <usize>o * <usize>inner * es;
    for (let i = 0; i < inner; i++) store1<T>(to + <usize>i * es, load<f64>(acc + (<usize>i << 3)));
  }
}

export function dsum(src: usize, out: usize, outer: i32, size: i32, inner: i32, acc: usize): void {
  sum<f64>(src, out, outer, size, inner, acc);
}

export function ssum(src: usize, out: usize, outer: i32, size: i32, inner: i32, acc: usize): void {
  sum<f32>(src, out, outer, size, inner, acc);
}
