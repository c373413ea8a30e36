/* Fused kernels: see fused.h. Built with -ffp-contract=off (no fused multiply-add), like elementwise.c. */
#include "fused.h"

#include <math.h>
#include <stdlib.h>

#include "args.h"
#include "elementwise.h"
#include "exp.h"
#include "simd.h"

#define SUM_LANES 8

#define DEFINE_SUM_SQUARES(NAME, T)                                                    \
  SIMD_CLONES static double NAME(const T *x, size_t n) {                               \
    double lane[SUM_LANES] = {0};                                                      \
    size_t k = 0;                                                                      \
    for (; k + SUM_LANES <= n; k += SUM_LANES)                                         \
      for (size_t j = 0; j < SUM_LANES; j++) {                                         \
        const T sq = (T)((double)x[k + j] * (double)x[k + j]);                         \
        lane[j] += (double)sq;                                                         \
      }                                                                                \
    double s = 0;                                                                      \
    for (size_t j = 0; j < SUM_LANES; j++) s += lane[j];                               \
    for (; k < n; k++) {                                                               \
      const T sq = (T)((double)x[k] * (double)x[k]);                                   \
      s += (double)sq;                                                                 \
    }                                                                                  \
    return (double)(T)s;                                                               \
  }

DEFINE_SUM_SQUARES(sum_squares_d, double)
DEFINE_SUM_SQUARES(sum_squares_f, float)

napi_value js_sum_squares(napi_env env, napi_callback_info info) {
  const char *fn = "sumSquares";
  napi_value argv[1], out;
  farray src;
  if (!get_args(env, info, fn, "src", 1, argv) || !get_float_array(env, argv[0], fn, "src", &src)) return NULL;
  const double s = src.type == napi_float64_array ? sum_squares_d(src.data, src.length) : sum_squares_f(src.data, src.length);
  CHECK(napi_create_double(env, s, &out));
  return out;
}

/*
 * Per row: the shift (the row's max; 0 for a row whose max is +-inf or NaN) and the differences x - shift
 * rounded to T, as the portable loop stores them.
 */
#define DEFINE_LSE_SHIFTS(NAME, T)                                                      \
  SIMD_CLONES static void NAME(const T *src, T *shifts, T *diffs, size_t rows, size_t size) { \
    for (size_t r = 0; r < rows; r++) {                                                 \
      const T *x = src + r * size;                                                      \
      T m = x[0];                                                                       \
      for (size_t k = 1; k < size && m == m; k++) {                                     \
        const T v = x[k];                                                               \
        if (v != v || v > m) m = v;                                                     \
      }                                                                                 \
      if (!isfinite(m)) m = 0;                                                          \
      shifts[r] = m;                                                                    \
      for (size_t k = 0; k < size; k++) diffs[r * size + k] = (T)((double)x[k] - (double)m); \
    }                                                                                   \
  }

DEFINE_LSE_SHIFTS(lse_shifts_d, double)
DEFINE_LSE_SHIFTS(lse_shifts_f, float)

napi_value js_logsumexp_rows(napi_env env, napi_callback_info info) {
  const char *fn = "logsumexpRows";
  napi_value argv[5];
  farray src, shifts, sums;
  int rows, size;
  if (!get_args(env, info, fn, "src, shifts, sums, rows, size", 5, argv) || !get_float_array(env, argv[0], fn, "src", &src) ||
      !get_float_array(env, argv[1], fn, "shifts", &shifts) || !get_float_array(env, argv[2], fn, "sums", &sums) ||
      !get_dim(env, argv[3], fn, "rows", &rows) || !get_dim(env, argv[4], fn, "size", &size) ||
      !same_type(env, fn, &src, "src", &shifts, "shifts") || !same_type(env, fn, &src, "src", &sums, "sums")) {
    return NULL;
  }
  const uint64_t n = (uint64_t)rows * size;
  if (size == 0) return fail(env, 1, "%s: size must be at least 1", fn);
  if (!at_least(env, fn, "src", &src, n) || !at_least(env, fn, "shifts", &shifts, rows) || !at_least(env, fn, "sums", &sums, rows)) {
    return NULL;
  }
  if (overlaps(&shifts, rows, &src, n) || overlaps(&sums, rows, &src, n) || overlaps(&shifts, rows, &sums, rows)) {
    return fail(env, 1, "%s: src, shifts and sums must not share memory", fn);
  }
  if (rows == 0) return NULL;
  const size_t elem = elem_size(&src);
  void *diffs = malloc((size_t)n * elem);
  if (diffs == NULL) return fail(env, 1, "%s: out of memory for %llu elements", fn, (unsigned long long)n);
  if (src.type == napi_float64_array) {
    lse_shifts_d(src.data, shifts.data, diffs, (size_t)rows, (size_t)size);
    exp_d(diffs, diffs, (size_t)n);
    row_sums_d(diffs, sums.data, (size_t)rows, (size_t)size);
  } else {
    lse_shifts_f(src.data, shifts.data, diffs, (size_t)rows, (size_t)size);
    exp_f(diffs, diffs, (size_t)n);
    row_sums_f(diffs, sums.data, (size_t)rows, (size_t)size);
  }
  free(diffs);
  return NULL;
}
