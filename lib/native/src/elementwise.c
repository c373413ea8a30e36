/*
 * Elementwise kernels (see elementwise.h). Arrays are dense; float arrays are Float64Array or Float32Array
 * (double / float here), masks and comparison results Uint8Array. Every value is computed in double and
 * rounded once to the output type, exactly like the TypeScript loops, so the two backends agree bit for bit.
 * The build uses -ffp-contract=off (no fused multiply-add) for the same reason.
 *
 * On x86-64 with GCC each kernel is compiled for AVX-512, AVX2 and baseline SSE2 (target_clones); the loader
 * picks the best one for the CPU at run time, so one build is safe to copy between machines.
 */
#include "elementwise.h"

#include <stdint.h>
#include <stdlib.h>

#include "args.h"
#include "simd.h"

enum { OP_ADD = 0, OP_SUB = 1, OP_MUL = 2, OP_DIV = 3, OP_GT = 4, OP_GE = 5, OP_LT = 6, OP_LE = 7 };
/* How b is read for out[i]: b[i], b[0], b[i % L] (a row vector, e.g. a bias), b[i / L] (one value per row). */
enum { BC_SAME = 0, BC_SCALAR = 1, BC_ROW = 2, BC_COL = 3 };
/* Row sums use this many independent accumulators (the TypeScript loop uses the same, in the same order). */
#define SUM_LANES 8

/* ------------------------------------------------------------------------------------------------ kernels */

/* One loop per operator so each one vectorizes; OUT, X, Y are expressions in i. */
#define BINOP_LOOPS(op, count, OUT, X, Y)                                                  \
  switch (op) {                                                                            \
    case OP_ADD: for (size_t i = 0; i < (count); i++) OUT = (X) + (Y); break;              \
    case OP_SUB: for (size_t i = 0; i < (count); i++) OUT = (X) - (Y); break;              \
    case OP_MUL: for (size_t i = 0; i < (count); i++) OUT = (X) * (Y); break;              \
    default: for (size_t i = 0; i < (count); i++) OUT = (X) / (Y); break;                  \
  }

#define DEFINE_ARITH(NAME, T, BT)                                                                      \
  SIMD_CLONES static void NAME(int op, const T *a, const BT *b, T *out, size_t n, int bc, size_t L) {  \
    if (bc == BC_SAME) {                                                                               \
      BINOP_LOOPS(op, n, out[i], (double)a[i], (double)b[i]);                                          \
    } else if (bc == BC_SCALAR) {                                                                      \
      const double s = (double)b[0];                                                                   \
      BINOP_LOOPS(op, n, out[i], (double)a[i], s);                                                     \
    } else {                                                                                           \
      for (size_t r = 0, row = 0; row < n; r++, row += L) {                                            \
        const T *x = a + row;                                                                          \
        T *o = out + row;                                                                              \
        if (bc == BC_ROW) {                                                                            \
          BINOP_LOOPS(op, L, o[i], (double)x[i], (double)b[i]);                                        \
        } else {                                                                                       \
          const double s = (double)b[r];                                                               \
          BINOP_LOOPS(op, L, o[i], (double)x[i], s);                                                   \
        }                                                                                              \
      }                                                                                                \
    }                                                                                                  \
  }

DEFINE_ARITH(arith_dd, double, double)
DEFINE_ARITH(arith_df, double, float)
DEFINE_ARITH(arith_db, double, uint8_t)
DEFINE_ARITH(arith_fd, float, double)
DEFINE_ARITH(arith_ff, float, float)
DEFINE_ARITH(arith_fb, float, uint8_t)

#define DEFINE_COMPARE(NAME, T)                                                        \
  SIMD_CLONES static void NAME(int op, const T *a, double s, uint8_t *out, size_t n) { \
    switch (op) {                                                                      \
      case OP_GT: for (size_t i = 0; i < n; i++) out[i] = (double)a[i] > s; break;     \
      case OP_GE: for (size_t i = 0; i < n; i++) out[i] = (double)a[i] >= s; break;    \
      case OP_LT: for (size_t i = 0; i < n; i++) out[i] = (double)a[i] < s; break;     \
      default: for (size_t i = 0; i < n; i++) out[i] = (double)a[i] <= s; break;       \
    }                                                                                  \
  }

DEFINE_COMPARE(compare_d, double)
DEFINE_COMPARE(compare_f, float)

#define DEFINE_AXPY(NAME, T, XT)                                                              \
  SIMD_CLONES static void NAME(T *y, const XT *x, double alpha, size_t n) {                   \
    for (size_t i = 0; i < n; i++) y[i] = (T)((double)y[i] + alpha * (double)x[i]);           \
  }

DEFINE_AXPY(axpy_dd, double, double)
DEFINE_AXPY(axpy_df, double, float)
DEFINE_AXPY(axpy_fd, float, double)
DEFINE_AXPY(axpy_ff, float, float)

/*
 * NaN compares false both ways, so it passes through, as in the TypeScript loop (v < lo ? lo : v > hi ? hi : v).
 * Written as two selects so the compiler vectorizes the float loop too: the nested form branched there, and a
 * ReLU's random signs mispredicted (6 ns an element on 1.5M float32 against 1 for float64).
 */
#define DEFINE_CLAMP(NAME, T)                                                                 \
  SIMD_CLONES static void NAME(const T *src, T *out, double lo, double hi, size_t n) {        \
    for (size_t i = 0; i < n; i++) {                                                          \
      const double v = (double)src[i];                                                        \
      double r = v > hi ? hi : v;                                                             \
      r = v < lo ? lo : r;                                                                    \
      out[i] = (T)r;                                                                          \
    }                                                                                         \
  }

DEFINE_CLAMP(clamp_d, double)
DEFINE_CLAMP(clamp_f, float)

/*
 * Row sums (inner == 1): SUM_LANES running sums over interleaved elements, combined in order, then the tail.
 * Column sums (inner > 1): a double accumulator per column, rows added in order. acc has `inner` doubles.
 */
#define DEFINE_SUM(NAME, T)                                                                           \
  SIMD_CLONES static void NAME(const T *src, T *out, size_t outer, size_t size, size_t inner, double *acc) { \
    for (size_t o = 0; o < outer; o++) {                                                              \
      if (inner == 1) {                                                                               \
        const T *x = src + o * size;                                                                  \
        double lane[SUM_LANES] = {0};                                                                 \
        size_t k = 0;                                                                                 \
        for (; k + SUM_LANES <= size; k += SUM_LANES)                                                 \
          for (size_t j = 0; j < SUM_LANES; j++) lane[j] += (double)x[k + j];                         \
        double s = 0;                                                                                 \
        for (size_t j = 0; j < SUM_LANES; j++) s += lane[j];                                          \
        for (; k < size; k++) s += (double)x[k];                                                      \
        out[o] = (T)s;                                                                                \
      } else {                                                                                        \
        for (size_t i = 0; i < inner; i++) acc[i] = 0;                                                \
        for (size_t k = 0; k < size; k++) {                                                           \
          const T *x = src + (o * size + k) * inner;                                                  \
          for (size_t i = 0; i < inner; i++) acc[i] += (double)x[i];                                  \
        }                                                                                             \
        for (size_t i = 0; i < inner; i++) out[o * inner + i] = (T)acc[i];                            \
      }                                                                                               \
    }                                                                                                 \
  }

DEFINE_SUM(sum_d, double)
DEFINE_SUM(sum_f, float)

void row_sums_d(const double *src, double *out, size_t rows, size_t size) { sum_d(src, out, rows, size, 1, NULL); }
void row_sums_f(const float *src, float *out, size_t rows, size_t size) { sum_f(src, out, rows, size, 1, NULL); }

/* ------------------------------------------------------------------------------------------------ bindings */

static int is_f64(const farray *a) { return a->type == napi_float64_array; }

/* arith(op, a, b, out, broadcast, L): n = out.length; a has >= n elements; b: BC_SAME >= n, BC_SCALAR >= 1,
 * BC_ROW >= L, BC_COL >= n / L (for ROW and COL, L >= 1 divides n). out may be a (in place). */
napi_value js_arith(napi_env env, napi_callback_info info) {
  const char *fn = "arith";
  napi_value argv[6];
  int op, bc, L;
  farray a, b, out;
  if (!get_args(env, info, fn, "op, a, b, out, broadcast, L", 6, argv) || !get_dim(env, argv[0], fn, "op", &op) ||
      !get_float_array(env, argv[1], fn, "a", &a) || !get_float_or_bool_array(env, argv[2], fn, "b", &b) ||
      !get_float_array(env, argv[3], fn, "out", &out) || !get_dim(env, argv[4], fn, "broadcast", &bc) ||
      !get_dim(env, argv[5], fn, "L", &L) || !same_type(env, fn, &a, "a", &out, "out")) {
    return NULL;
  }
  if (op > OP_DIV) return fail(env, 1, "%s: op must be 0..3 (add, sub, mul, div), got %d", fn, op);
  if (bc > BC_COL) return fail(env, 1, "%s: broadcast must be 0..3 (same, scalar, row, col), got %d", fn, bc);
  const size_t n = out.length;
  if (n == 0) return NULL;
  if ((bc == BC_ROW || bc == BC_COL) && (L == 0 || n % (size_t)L != 0)) {
    return fail(env, 1, "%s: L = %d must be positive and divide out's %zu elements", fn, L, n);
  }
  const uint64_t nb = bc == BC_SAME ? n : bc == BC_SCALAR ? 1 : bc == BC_ROW ? (uint64_t)L : n / (size_t)L;
  if (!at_least(env, fn, "a", &a, n) || !at_least(env, fn, "b", &b, nb)) return NULL;
  /* out == b is fine when every out[i] reads only b[i] or b[0] (read first): x.mul_(x). */
  if (overlaps(&out, n, &b, nb) && !(out.data == b.data && (bc == BC_SAME || bc == BC_SCALAR))) {
    return fail(env, 1, "%s: out must not share memory with b (except b == out with broadcast 0 or 1)", fn);
  }
  if (a.data != out.data && overlaps(&out, n, &a, n)) {
    return fail(env, 1, "%s: out must be a itself or not share memory with it", fn);
  }
  const size_t l = (size_t)L;
  if (is_f64(&a)) {
    if (b.type == napi_float64_array) arith_dd(op, a.data, b.data, out.data, n, bc, l);
    else if (b.type == napi_float32_array) arith_df(op, a.data, b.data, out.data, n, bc, l);
    else arith_db(op, a.data, b.data, out.data, n, bc, l);
  } else {
    if (b.type == napi_float64_array) arith_fd(op, a.data, b.data, out.data, n, bc, l);
    else if (b.type == napi_float32_array) arith_ff(op, a.data, b.data, out.data, n, bc, l);
    else arith_fb(op, a.data, b.data, out.data, n, bc, l);
  }
  return NULL;
}

/* compareScalar(op, a, s, out): n = out.length (a Uint8Array), a has >= n elements. */
napi_value js_compare_scalar(napi_env env, napi_callback_info info) {
  const char *fn = "compareScalar";
  napi_value argv[4];
  int op;
  double s;
  farray a, out;
  if (!get_args(env, info, fn, "op, a, s, out", 4, argv) || !get_dim(env, argv[0], fn, "op", &op) ||
      !get_float_array(env, argv[1], fn, "a", &a) || !get_number(env, argv[2], fn, "s", &s) ||
      !get_float_or_bool_array(env, argv[3], fn, "out", &out)) {
    return NULL;
  }
  if (op < OP_GT || op > OP_LE) return fail(env, 1, "%s: op must be 4..7 (gt, ge, lt, le), got %d", fn, op);
  if (out.type != napi_uint8_array) return fail(env, 0, "%s: out must be a Uint8Array, got %s", fn, type_name(env, argv[3]));
  const size_t n = out.length;
  if (!at_least(env, fn, "a", &a, n)) return NULL;
  if (is_f64(&a)) compare_d(op, a.data, s, out.data, n);
  else compare_f(op, a.data, s, out.data, n);
  return NULL;
}

/* axpy(y, x, alpha): n = y.length, x has >= n elements and does not overlap y. */
napi_value js_axpy(napi_env env, napi_callback_info info) {
  const char *fn = "axpy";
  napi_value argv[3];
  double alpha;
  farray y, x;
  if (!get_args(env, info, fn, "y, x, alpha", 3, argv) || !get_float_array(env, argv[0], fn, "y", &y) ||
      !get_float_array(env, argv[1], fn, "x", &x) || !get_number(env, argv[2], fn, "alpha", &alpha)) {
    return NULL;
  }
  const size_t n = y.length;
  if (!at_least(env, fn, "x", &x, n)) return NULL;
  if (y.data != x.data && overlaps(&y, n, &x, n)) return fail(env, 1, "%s: y and x must be the same array or not overlap", fn);
  if (is_f64(&y)) {
    if (is_f64(&x)) axpy_dd(y.data, x.data, alpha, n);
    else axpy_df(y.data, x.data, alpha, n);
  } else {
    if (is_f64(&x)) axpy_fd(y.data, x.data, alpha, n);
    else axpy_ff(y.data, x.data, alpha, n);
  }
  return NULL;
}

/* clamp(src, out, lo, hi): n = out.length, src has >= n elements; out may be src. */
napi_value js_clamp(napi_env env, napi_callback_info info) {
  const char *fn = "clamp";
  napi_value argv[4];
  double lo, hi;
  farray src, out;
  if (!get_args(env, info, fn, "src, out, lo, hi", 4, argv) || !get_float_array(env, argv[0], fn, "src", &src) ||
      !get_float_array(env, argv[1], fn, "out", &out) || !get_number(env, argv[2], fn, "lo", &lo) ||
      !get_number(env, argv[3], fn, "hi", &hi) || !same_type(env, fn, &src, "src", &out, "out")) {
    return NULL;
  }
  const size_t n = out.length;
  if (!at_least(env, fn, "src", &src, n)) return NULL;
  if (src.data != out.data && overlaps(&out, n, &src, n)) return fail(env, 1, "%s: out must be src itself or not overlap it", fn);
  if (is_f64(&src)) clamp_d(src.data, out.data, lo, hi, n);
  else clamp_f(src.data, out.data, lo, hi, n);
  return NULL;
}

/* sum(src, out, outer, size, inner): src has >= outer*size*inner elements, out >= outer*inner, no overlap. */
napi_value js_sum(napi_env env, napi_callback_info info) {
  const char *fn = "sum";
  napi_value argv[5];
  int outer, size, inner;
  farray src, out;
  if (!get_args(env, info, fn, "src, out, outer, size, inner", 5, argv) ||
      !get_float_array(env, argv[0], fn, "src", &src) || !get_float_array(env, argv[1], fn, "out", &out) ||
      !get_dim(env, argv[2], fn, "outer", &outer) || !get_dim(env, argv[3], fn, "size", &size) ||
      !get_dim(env, argv[4], fn, "inner", &inner) || !same_type(env, fn, &src, "src", &out, "out")) {
    return NULL;
  }
  const uint64_t nsrc = (uint64_t)outer * size * inner, nout = (uint64_t)outer * inner;
  if (!at_least(env, fn, "src", &src, nsrc) || !at_least(env, fn, "out", &out, nout)) return NULL;
  if (overlaps(&out, nout, &src, nsrc)) return fail(env, 1, "%s: out must not share memory with src", fn);
  if (nout == 0) return NULL;
  double *acc = NULL;
  if (inner > 1 && (acc = malloc((size_t)inner * sizeof(double))) == NULL) {
    napi_throw_error(env, NULL, "sum: out of memory");
    return NULL;
  }
  if (is_f64(&src)) sum_d(src.data, out.data, (size_t)outer, (size_t)size, (size_t)inner, acc);
  else sum_f(src.data, out.data, (size_t)outer, (size_t)size, (size_t)inner, acc);
  free(acc);
  return NULL;
}
