/*
 * dlvr_blas: a tiny Node-API (C, ABI-stable) binding of OpenBLAS's cblas_dgemm / cblas_sgemm.
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
 *
 * Built by scripts/build-native.ts (npm run build:native) into lib/native/build/Release/dlvr_blas.node.
 */
#include <node_api.h>
#include <cblas.h>

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Declared by OpenBLAS's cblas.h; repeated so the file also compiles if another cblas.h comes first. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_config(void);
char *openblas_get_corename(void);

#define CHECK(call)                                                              \
  do {                                                                           \
    if ((call) != napi_ok) {                                                     \
      napi_throw_error(env, NULL, "dlvr_blas: internal Node-API call failed: " #call); \
      return NULL;                                                               \
    }                                                                            \
  } while (0)

static napi_value fail(napi_env env, int range, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static napi_value fail(napi_env env, int range, const char *fmt, ...) {
  char msg[320];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) {
    if (range) napi_throw_range_error(env, NULL, msg);
    else napi_throw_type_error(env, NULL, msg);
  }
  return NULL;
}

static const char *type_name(napi_env env, napi_value v) {
  napi_valuetype t;
  bool is_ta = false;
  if (napi_typeof(env, v, &t) != napi_ok) return "unknown";
  switch (t) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "boolean";
    case napi_number: return "number";
    case napi_string: return "string";
    case napi_symbol: return "symbol";
    case napi_bigint: return "bigint";
    case napi_function: return "function";
    default: break;
  }
  napi_is_typedarray(env, v, &is_ta);
  if (is_ta) {
    napi_typedarray_type tt;
    size_t len;
    if (napi_get_typedarray_info(env, v, &tt, &len, NULL, NULL, NULL) == napi_ok) {
      switch (tt) {
        case napi_int8_array: return "Int8Array";
        case napi_uint8_array: return "Uint8Array";
        case napi_uint8_clamped_array: return "Uint8ClampedArray";
        case napi_int16_array: return "Int16Array";
        case napi_uint16_array: return "Uint16Array";
        case napi_int32_array: return "Int32Array";
        case napi_uint32_array: return "Uint32Array";
        case napi_float32_array: return "Float32Array";
        case napi_float64_array: return "Float64Array";
        case napi_bigint64_array: return "BigInt64Array";
        case napi_biguint64_array: return "BigUint64Array";
        default: return "typed array";
      }
    }
  }
  bool is_array = false;
  napi_is_array(env, v, &is_array);
  return is_array ? "Array" : "object";
}

static int get_bool(napi_env env, napi_value v, const char *name, bool *out) {
  if (napi_get_value_bool(env, v, out) != napi_ok) {
    fail(env, 0, "gemm: %s must be a boolean, got %s", name, type_name(env, v));
    return 0;
  }
  return 1;
}

static int get_dim(napi_env env, napi_value v, const char *name, int *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) {
    fail(env, 0, "gemm: %s must be a number, got %s", name, type_name(env, v));
    return 0;
  }
  if (!(d >= 0 && d <= (double)INT_MAX) || d != floor(d)) {
    fail(env, 1, "gemm: %s must be an integer in [0, %d], got %g", name, INT_MAX, d);
    return 0;
  }
  *out = (int)d;
  return 1;
}

typedef struct {
  napi_typedarray_type type;
  size_t length;
  void *data;
} farray;

static int get_array(napi_env env, napi_value v, const char *name, farray *out) {
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) {
    fail(env, 0, "gemm: %s must be a Float64Array or Float32Array, got %s", name, type_name(env, v));
    return 0;
  }
  if (napi_get_typedarray_info(env, v, &out->type, &out->length, &out->data, NULL, NULL) != napi_ok) {
    fail(env, 0, "gemm: could not read typed array %s", name);
    return 0;
  }
  if (out->type != napi_float64_array && out->type != napi_float32_array) {
    fail(env, 0, "gemm: %s must be a Float64Array or Float32Array, got %s", name, type_name(env, v));
    return 0;
  }
  return 1;
}

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

static int overlaps(const farray *x, uint64_t nx, const farray *y, uint64_t ny, size_t elem) {
  if (nx == 0 || ny == 0) return 0;
  uintptr_t x0 = (uintptr_t)x->data, x1 = x0 + (uintptr_t)(nx * elem);
  uintptr_t y0 = (uintptr_t)y->data, y1 = y0 + (uintptr_t)(ny * elem);
  return x0 < y1 && y0 < x1;
}

static napi_value js_gemm(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 8) {
    return fail(env, 0, "gemm expects 8 arguments (transA, transB, m, n, k, a, b, c), got %zu", argc);
  }
  bool ta, tb;
  int m, n, k;
  farray a, b, c;
  if (!get_bool(env, argv[0], "transA", &ta) || !get_bool(env, argv[1], "transB", &tb)) return NULL;
  if (!get_dim(env, argv[2], "m", &m) || !get_dim(env, argv[3], "n", &n) || !get_dim(env, argv[4], "k", &k)) {
    return NULL;
  }
  if (!get_array(env, argv[5], "a", &a) || !get_array(env, argv[6], "b", &b) || !get_array(env, argv[7], "c", &c)) {
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
  if (overlaps(&c, nc, &a, na, elem) || overlaps(&c, nc, &b, nb, elem)) {
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

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"gemm", NULL, js_gemm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setNumThreads", NULL, js_set_num_threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"getNumThreads", NULL, js_get_num_threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"config", NULL, NULL, NULL, NULL, string_value(env, openblas_get_config()), napi_enumerable, NULL},
      {"coreName", NULL, NULL, NULL, NULL, string_value(env, openblas_get_corename()), napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
