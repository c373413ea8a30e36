/*
 * exp over an array, bit for bit what V8's Math.exp returns (so the native and TypeScript backends keep
 * agreeing): V8 computes Math.exp with fdlibm's algorithm (src/base/ieee754.cc), restated here. Argument
 * reduction x = k ln2 + r (ln2 split in a high part exact in k * ln2_hi and a low part), a degree-5 rational
 * approximation of exp(r), then scaling by 2^k. Every step is a plain double operation in fdlibm's order;
 * the build uses -ffp-contract=off, so the compiler may vectorize it but not fuse a multiply and an add.
 *
 * One departure from fdlibm is V8's too: exp(1) returns Math.E (fdlibm's steps give the double above it).
 *
 * The vector loop covers |x| <= 707 (no overflow, no subnormal result, a finite input) with the three cases of
 * the reduction chosen by selects instead of branches; anything else (inf, NaN, huge) goes through the
 * scalar form, which follows fdlibm's branches.
 */
#include "exp.h"

#include <stdint.h>
#include <string.h>

#include "args.h"
#include "simd.h"

/* Lets GCC compute both sides of a select (it keeps possibly trapping floating-point operations out of
 * speculation otherwise); values are unchanged, only floating-point exception flags could differ. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#endif

static const double LN2_HI = 6.93147180369123816490e-01; /* 0x3fe62e42 fee00000: k * LN2_HI is exact */
static const double LN2_LO = 1.90821492927058770002e-10; /* 0x3dea39ef 35793c76 */
static const double INV_LN2 = 1.44269504088896338700e+00;
static const double P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03,
                    P3 = 6.61375632143793436117e-05, P4 = -1.65339022054652515390e-06,
                    P5 = 4.13813679705723846039e-08;
static const double O_THRESHOLD = 7.09782712893383973096e+02, U_THRESHOLD = -7.45133219101941108420e+02;
static const double TWO_M1000 = 9.33263618503218878990e-302; /* 2^-1000 */
static const double E = 2.718281828459045;                 /* 0x4005bf0a 8b145769 */
static const double TWO_1023 = 8.98846567431157953865e+307;  /* 2^1023 */
/* |x| bounds of the reduction's cases, as high words of the double (sign bit cleared) */
#define HALF_LN2_HW 0x3fd62e42u    /* |x| > 0.5 ln2: reduce */
#define THREEHALF_LN2_HW 0x3ff0a2b2u /* |x| < 1.5 ln2: k = +-1 */
#define TINY_HW 0x3e300000u        /* |x| < 2^-28: exp(x) = 1 + x */
#define VECTOR_LIMIT 707.0
/* The same bounds as doubles (for |x| >= 0, comparing doubles orders them as their bits) */
#define REDUCE_MIN 0x1.62e43p-2  /* smallest double with high word above HALF_LN2_HW */
#define NEAR_MAX 0x1.0a2b2p+0    /* high word THREEHALF_LN2_HW, low word 0 */
#define TINY_MAX 0x1p-28

static inline uint64_t bits_of(double x) {
  uint64_t b;
  memcpy(&b, &x, sizeof b);
  return b;
}
static inline double double_of(uint64_t b) {
  double x;
  memcpy(&x, &b, sizeof x);
  return x;
}

/* fdlibm's exp, branches and all: the form for the inputs the vector loop leaves out. */
static double exp_scalar(double x) {
  const uint64_t b = bits_of(x);
  const uint32_t hx = (uint32_t)(b >> 32) & 0x7fffffffu;
  const int neg = (int)(b >> 63);
  double hi = 0, lo = 0;
  int k = 0;
  if (hx >= 0x40862e42u) { /* |x| >= 709.78 */
    if (hx >= 0x7ff00000u) return (b & 0x000fffffffffffffull) != 0 ? x + x : (neg ? 0.0 : x); /* NaN, +-inf */
    if (x > O_THRESHOLD) return TWO_1023 * TWO_1023;                                          /* +inf */
    if (x < U_THRESHOLD) return TWO_M1000 * TWO_M1000;                                        /* 0 */
  }
  if (hx > HALF_LN2_HW) {
    if (hx < THREEHALF_LN2_HW) {
      if (x == 1.0) return E;
      hi = neg ? x + LN2_HI : x - LN2_HI;
      lo = neg ? -LN2_LO : LN2_LO;
      k = neg ? -1 : 1;
    } else {
      k = (int)(INV_LN2 * x + (neg ? -0.5 : 0.5));
      const double t = k;
      hi = x - t * LN2_HI;
      lo = t * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < TINY_HW) {
    return 1.0 + x;
  }
  const double t = x * x;
  const double twopk = double_of((uint64_t)(0x3ff + (k >= -1021 ? k : k + 1000)) << 52);
  const double c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const double y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) return k == 1024 ? y * 2.0 * TWO_1023 : y * twopk;
  return y * twopk * TWO_M1000;
}

/*
 * The same steps for |x| <= VECTOR_LIMIT, in doubles only and with selects, so that GCC turns them into vector
 * blends: the case tests compare |x| with the doubles whose high words are fdlibm's bounds, k is kept as an
 * integral double (trunc is the C cast's truncation), and 2^k is built from k + 1023 read out of the mantissa
 * of k + 1023 + 2^52. k stays within [-1021, 1020] here, so 2^k is a normal double. Every alternative is
 * computed before the selects.
 */
static inline double exp_in_range(double x) {
  const double ax = __builtin_fabs(x);
  const int reduce = ax >= REDUCE_MIN, near = ax < NEAR_MAX, tiny = ax < TINY_MAX, neg = x < 0;
  const double x_plus = x + LN2_HI, x_minus = x - LN2_HI;
  const double hi_near = neg ? x_plus : x_minus, lo_near = neg ? -LN2_LO : LN2_LO, k_near = neg ? -1.0 : 1.0;
  const double half = neg ? -0.5 : 0.5;
  const double k_far = __builtin_trunc(INV_LN2 * x + half);
  const double hi_far = x - k_far * LN2_HI, lo_far = k_far * LN2_LO;
  const double hi = near ? hi_near : hi_far, lo = near ? lo_near : lo_far, k_red = near ? k_near : k_far;
  const double reduced = hi - lo;
  const double r = reduce ? reduced : x;
  const double k = reduce ? k_red : 0.0;
  const double t = r * r;
  const double c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const double q = (r * c) / (2.0 - c); /* fdlibm's (r * c) / (c - 2.0) when k == 0 is exactly -q */
  const double y0 = 1.0 - (-q - r);
  const uint64_t biased = bits_of(k + (1023.0 + 0x1p52)) & 0x000fffffffffffffull;
  const double y = (1.0 - ((lo - q) - hi)) * double_of(biased << 52);
  const double one_plus = 1.0 + x;
  const double general = reduce ? y : y0;
  const double result = tiny ? one_plus : general;
  return x == 1.0 ? E : result;
}

#define BLOCK 256

static inline int in_vector_range(double x) { return (x >= -VECTOR_LIMIT) & (x <= VECTOR_LIMIT); }

/* res[i] = exp(in[i]) for one block: the vector loop, then the scalar form for inputs outside its range. */
SIMD_CLONES static void exp_block(const double *restrict in, double *restrict res, size_t len) {
  int outside = 0;
  for (size_t i = 0; i < len; i++) outside |= !in_vector_range(in[i]);
  for (size_t i = 0; i < len; i++) res[i] = exp_in_range(in_vector_range(in[i]) ? in[i] : 0.0);
  if (outside)
    for (size_t i = 0; i < len; i++)
      if (!in_vector_range(in[i])) res[i] = exp_scalar(in[i]);
}

/* Blocks through local buffers, so out may be src; each value rounded once to T. */
#define DEFINE_EXP(NAME, T)                                         \
  void NAME(const T *src, T *out, size_t n) {                       \
    double in[BLOCK], res[BLOCK];                                   \
    for (size_t start = 0; start < n; start += BLOCK) {             \
      const size_t len = n - start < BLOCK ? n - start : BLOCK;     \
      for (size_t i = 0; i < len; i++) in[i] = (double)src[start + i]; \
      exp_block(in, res, len);                                      \
      for (size_t i = 0; i < len; i++) out[start + i] = (T)res[i];  \
    }                                                               \
  }

DEFINE_EXP(exp_d, double)
DEFINE_EXP(exp_f, float)

/* exp(src, out): out[i] = Math.exp(src[i]) rounded to out's type; n = out.length, src has >= n; out may be src. */
napi_value js_exp(napi_env env, napi_callback_info info) {
  const char *fn = "exp";
  napi_value argv[2];
  farray src, out;
  if (!get_args(env, info, fn, "src, out", 2, argv) || !get_float_array(env, argv[0], fn, "src", &src) ||
      !get_float_array(env, argv[1], fn, "out", &out) || !same_type(env, fn, &src, "src", &out, "out")) {
    return NULL;
  }
  const size_t n = out.length;
  if (!at_least(env, fn, "src", &src, n)) return NULL;
  if (src.data != out.data && overlaps(&out, n, &src, n)) return fail(env, 1, "%s: out must be src itself or not overlap it", fn);
  if (src.type == napi_float64_array) exp_d(src.data, out.data, n);
  else exp_f(src.data, out.data, n);
  return NULL;
}
