/*
 * dlvr_blas: a tiny Node-API (C, ABI-stable) binding of OpenBLAS's cblas_dgemm / cblas_sgemm, plus the
 * elementwise kernels of elementwise.c (arith, compareScalar, axpy, clamp, sum; see elementwise.h).
 *
 *   gemm(transA, transB, m, n, k, a, b, c)   C = op(A) * op(B), row-major, dense, C overwritten.
 *       a, b, c: all Float64Array (dgemm) or all Float32Array (sgemm); the BLAS call works on the typed
 *       arrays' memory directly (no copies). op(A) is m x k (A stored k x m when transA), op(B) is k x n
 *       (B stored n x k when transB). Lengths must be at least m*k, k*n, m*n (as in the portable backend);
 *       C must not share memory with A or B. Throws TypeError / RangeError on bad arguments.
 *   setNumThreads(n)   openblas_set_num_threads(n), n >= 1.
 *   getNumThreads()    openblas_get_num_threads().
 *   config             openblas_get_config(), e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64".
 *   coreName           openblas_get_corename(), e.g. "SkylakeX".
 *   arith, compareScalar, axpy, clamp, sum   elementwise kernels (elementwise.h), all on typed arrays' memory.
 *   sumSquares, logsumexpRows             fused kernels (fused.h).
 *   exp                                   exp over an array, bit for bit Math.exp (exp.h).
 *   indexSelect, threadedGather           row gathers, large ones on OpenBLAS's threads (gather.h).
 *   tuneMalloc, adviseHugePages   how tensor memory is allocated (memory.h).
 *
 * Built by scripts/build-native.ts (npm run build:native) into lib/native/build/Release/dlvr_blas.node.
 */
#include <cblas.h>

#include <math.h>
#include <string.h>

#include "args.h"
#include "elementwise.h"
#include "exp.h"
#include "fused.h"
#include "gather.h"
#include "memory.h"

/* Declared by OpenBLAS's cblas.h; repeated so the file also compiles if another cblas.h comes first. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_config(void);
char *openblas_get_corename(void);

static int check_length(napi_env env, const char *name, const farray *arr, uint64_t rows, uint64_t cols,
                        const char *shape) {
  uint64_t need = rows * cols; /* both <= INT_MAX, no overflow */
  if ((uint64_t)arr->length < need) {
    fail(env, 1, "gemm: %s has %zu elements but needs %s = %llu*%llu = %llu", name, arr->length, shape,
         (unsigned long long)rows, (unsigned long long)cols, (unsigned long long)need);
    return 0;
  }
  return 1;
}

static napi_value js_gemm(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  if (!get_args(env, info, "gemm", "transA, transB, m, n, k, a, b, c", 8, argv)) return NULL;
  bool ta, tb;
  int m, n, k;
  farray a, b, c;
  if (!get_bool(env, argv[0], "gemm", "transA", &ta) || !get_bool(env, argv[1], "gemm", "transB", &tb)) return NULL;
  if (!get_dim(env, argv[2], "gemm", "m", &m) || !get_dim(env, argv[3], "gemm", "n", &n) || !get_dim(env, argv[4], "gemm", "k", &k)) {
    return NULL;
  }
  if (!get_float_array(env, argv[5], "gemm", "a", &a) || !get_float_array(env, argv[6], "gemm", "b", &b) || !get_float_array(env, argv[7], "gemm", "c", &c)) {
    return NULL;
  }
  if (b.type != a.type || c.type != a.type) {
    return fail(env, 0, "gemm: a, b and c must have the same element type, got %s, %s, %s",
                type_name(env, argv[5]), type_name(env, argv[6]), type_name(env, argv[7]));
  }
  if (!check_length(env, "a", &a, ta ? k : m, ta ? m : k, ta ? "k*m (transA)" : "m*k") ||
      !check_length(env, "b", &b, tb ? n : k, tb ? k : n, tb ? "n*k (transB)" : "k*n") ||
      !check_length(env, "c", &c, m, n, "m*n")) {
    return NULL;
  }
  const size_t elem = a.type == napi_float64_array ? sizeof(double) : sizeof(float);
  const uint64_t na = (uint64_t)m * k, nb = (uint64_t)k * n, nc = (uint64_t)m * n;
  if (overlaps(&c, nc, &a, na) || overlaps(&c, nc, &b, nb)) {
    return fail(env, 1, "gemm: c must not share memory with a or b");
  }

  if (nc == 0) return NULL; /* m == 0 or n == 0: nothing to write */
  if (k == 0) {             /* empty sum; also avoids lda = 0, which cblas rejects */
    memset(c.data, 0, nc * elem);
    return NULL;
  }
  const int lda = ta ? m : k, ldb = tb ? k : n, ldc = n;
  const enum CBLAS_TRANSPOSE opa = ta ? CblasTrans : CblasNoTrans, opb = tb ? CblasTrans : CblasNoTrans;
  if (elem == sizeof(double)) {
    cblas_dgemm(CblasRowMajor, opa, opb, m, n, k, 1.0, (const double *)a.data, lda, (const double *)b.data, ldb,
                0.0, (double *)c.data, ldc);
  } else {
    cblas_sgemm(CblasRowMajor, opa, opb, m, n, k, 1.0f, (const float *)a.data, lda, (const float *)b.data, ldb,
                0.0f, (float *)c.data, ldc);
  }
  return NULL; /* undefined */
}

static napi_value js_set_num_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  double d;
  if (argc < 1 || napi_get_value_double(env, argv[0], &d) != napi_ok) {
    return fail(env, 0, "setNumThreads: n must be a number, got %s", argc < 1 ? "nothing" : type_name(env, argv[0]));
  }
  if (!(d >= 1 && d <= 1024) || d != floor(d)) {
    return fail(env, 1, "setNumThreads: n must be an integer in [1, 1024], got %g", d);
  }
  openblas_set_num_threads((int)d);
  return NULL;
}

static napi_value js_get_num_threads(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  CHECK(napi_create_int32(env, openblas_get_num_threads(), &out));
  return out;
}

static napi_value string_value(napi_env env, const char *s) {
  napi_value out;
  const char *src = s ? s : "";
  size_t len = strlen(src);
  while (len > 0 && (src[len - 1] == ' ' || src[len - 1] == '\n')) len--;
  if (napi_create_string_utf8(env, src, len, &out) != napi_ok) return NULL;
  return out;
}

/* A getter: whether large gathers run on OpenBLAS's threads now (false while it has one thread). */
static napi_value js_threaded_gather(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  CHECK(napi_get_boolean(env, gather_threads_available(), &out));
  return out;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"gemm", NULL, js_gemm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setNumThreads", NULL, js_set_num_threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"getNumThreads", NULL, js_get_num_threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"arith", NULL, js_arith, NULL, NULL, NULL, napi_enumerable, NULL},
      {"compareScalar", NULL, js_compare_scalar, NULL, NULL, NULL, napi_enumerable, NULL},
      {"axpy", NULL, js_axpy, NULL, NULL, NULL, napi_enumerable, NULL},
      {"clamp", NULL, js_clamp, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sum", NULL, js_sum, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sumSquares", NULL, js_sum_squares, NULL, NULL, NULL, napi_enumerable, NULL},
      {"logsumexpRows", NULL, js_logsumexp_rows, NULL, NULL, NULL, napi_enumerable, NULL},
      {"exp", NULL, js_exp, NULL, NULL, NULL, napi_enumerable, NULL},
      {"indexSelect", NULL, js_index_select, NULL, NULL, NULL, napi_enumerable, NULL},
      {"threadedGather", NULL, NULL, js_threaded_gather, NULL, NULL, napi_enumerable, NULL},
      {"tuneMalloc", NULL, js_tune_malloc, NULL, NULL, NULL, napi_enumerable, NULL},
      {"adviseHugePages", NULL, js_advise_huge_pages, NULL, NULL, NULL, napi_enumerable, NULL},
      {"config", NULL, NULL, NULL, NULL, string_value(env, openblas_get_config()), napi_enumerable, NULL},
      {"coreName", NULL, NULL, NULL, NULL, string_value(env, openblas_get_corename()), napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
