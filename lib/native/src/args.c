#include "args.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

napi_value fail(napi_env env, int range, const char *fmt, ...) {
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

const char *type_name(napi_env env, napi_value v) {
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

int get_args(napi_env env, napi_callback_info info, const char *fn, const char *names, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) {
    fail(env, 0, "%s: could not read its arguments", fn);
    return 0;
  }
  if (argc < want) {
    fail(env, 0, "%s expects %zu arguments (%s), got %zu", fn, want, names, argc);
    return 0;
  }
  return 1;
}

int get_bool(napi_env env, napi_value v, const char *fn, const char *name, bool *out) {
  if (napi_get_value_bool(env, v, out) != napi_ok) {
    fail(env, 0, "%s: %s must be a boolean, got %s", fn, name, type_name(env, v));
    return 0;
  }
  return 1;
}

int get_number(napi_env env, napi_value v, const char *fn, const char *name, double *out) {
  if (napi_get_value_double(env, v, out) != napi_ok) {
    fail(env, 0, "%s: %s must be a number, got %s", fn, name, type_name(env, v));
    return 0;
  }
  return 1;
}

int get_dim(napi_env env, napi_value v, const char *fn, const char *name, int *out) {
  double d;
  if (!get_number(env, v, fn, name, &d)) return 0;
  if (!(d >= 0 && d <= (double)INT_MAX) || d != floor(d)) {
    fail(env, 1, "%s: %s must be an integer in [0, %d], got %g", fn, name, INT_MAX, d);
    return 0;
  }
  *out = (int)d;
  return 1;
}

/* Which typed arrays an argument may be: a bit per kind, and the words for the error message. */
enum { KIND_FLOAT = 1, KIND_BOOL = 2, KIND_INT32 = 4 };

static int kind_of(napi_typedarray_type t) {
  switch (t) {
    case napi_float64_array: case napi_float32_array: return KIND_FLOAT;
    case napi_uint8_array: return KIND_BOOL;
    case napi_int32_array: return KIND_INT32;
    default: return 0;
  }
}

static int get_typed(napi_env env, napi_value v, const char *fn, const char *name, farray *out, int kinds, const char *want) {
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) {
    fail(env, 0, "%s: %s must be %s, got %s", fn, name, want, type_name(env, v));
    return 0;
  }
  if (napi_get_typedarray_info(env, v, &out->type, &out->length, &out->data, NULL, NULL) != napi_ok) {
    fail(env, 0, "%s: could not read typed array %s", fn, name);
    return 0;
  }
  if (!(kind_of(out->type) & kinds)) {
    fail(env, 0, "%s: %s must be %s, got %s", fn, name, want, type_name(env, v));
    return 0;
  }
  return 1;
}

int get_float_array(napi_env env, napi_value v, const char *fn, const char *name, farray *out) {
  return get_typed(env, v, fn, name, out, KIND_FLOAT, "a Float64Array or Float32Array");
}

int get_float_or_bool_array(napi_env env, napi_value v, const char *fn, const char *name, farray *out) {
  return get_typed(env, v, fn, name, out, KIND_FLOAT | KIND_BOOL, "a Float64Array, Float32Array or Uint8Array");
}

int get_storage_array(napi_env env, napi_value v, const char *fn, const char *name, farray *out) {
  return get_typed(env, v, fn, name, out, KIND_FLOAT | KIND_BOOL | KIND_INT32,
                   "a Float64Array, Float32Array, Int32Array or Uint8Array");
}

int get_int32_array(napi_env env, napi_value v, const char *fn, const char *name, farray *out) {
  return get_typed(env, v, fn, name, out, KIND_INT32, "an Int32Array");
}

size_t elem_size(const farray *a) {
  switch (a->type) {
    case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: return 8;
    case napi_float32_array: case napi_int32_array: case napi_uint32_array: return 4;
    case napi_int16_array: case napi_uint16_array: return 2;
    default: return 1;
  }
}

int overlaps(const farray *x, uint64_t nx, const farray *y, uint64_t ny) {
  if (nx == 0 || ny == 0) return 0;
  uintptr_t x0 = (uintptr_t)x->data, x1 = x0 + (uintptr_t)(nx * elem_size(x));
  uintptr_t y0 = (uintptr_t)y->data, y1 = y0 + (uintptr_t)(ny * elem_size(y));
  return x0 < y1 && y0 < x1;
}

int same_type(napi_env env, const char *fn, const farray *x, const char *xn, const farray *y, const char *yn) {
  if (x->type == y->type) return 1;
  fail(env, 0, "%s: %s and %s must have the same element type (both Float64Array or both Float32Array)", fn, xn, yn);
  return 0;
}

int at_least(napi_env env, const char *fn, const char *name, const farray *a, uint64_t need) {
  if ((uint64_t)a->length >= need) return 1;
  fail(env, 1, "%s: %s has %zu elements but needs %llu", fn, name, a->length, (unsigned long long)need);
  return 0;
}
