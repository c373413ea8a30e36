/* Fused kernels: see fused.h. Built with -ffp-contract=off (no fused multiply-add), like elementwise.c. */
#include "fused.h"

#include "args.h"
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
