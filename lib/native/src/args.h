/*
 * Argument checking shared by the addon's functions: each helper reads one JavaScript argument, and on a bad
 * value throws a TypeError / RangeError naming the function and the argument, then returns 0.
 */
#ifndef DLVR_ARGS_H
#define DLVR_ARGS_H

#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHECK(call)                                                              \
  do {                                                                           \
    if ((call) != napi_ok) {                                                     \
      napi_throw_error(env, NULL, "dlvr_blas: internal Node-API call failed: " #call); \
      return NULL;                                                               \
    }                                                                            \
  } while (0)

/** A typed array's element type, length and memory. */
typedef struct {
  napi_typedarray_type type;
  size_t length;
  void *data;
} farray;

/** Throws (unless an exception is already pending) a RangeError when range, else a TypeError; returns NULL. */
napi_value fail(napi_env env, int range, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/** "Float64Array", "number", "undefined" ... for error messages. */
const char *type_name(napi_env env, napi_value v);

/** Reads the call's arguments; throws unless there are exactly `want` ... at least `want` of them. */
int get_args(napi_env env, napi_callback_info info, const char *fn, const char *names, size_t want, napi_value *argv);
int get_bool(napi_env env, napi_value v, const char *fn, const char *name, bool *out);
/** A whole number in [0, INT_MAX]. */
int get_dim(napi_env env, napi_value v, const char *fn, const char *name, int *out);
/** Any number (NaN and infinities allowed). */
int get_number(napi_env env, napi_value v, const char *fn, const char *name, double *out);
/** A Float64Array or Float32Array. */
int get_float_array(napi_env env, napi_value v, const char *fn, const char *name, farray *out);
/** A Float64Array, Float32Array or Uint8Array (a bool tensor's storage). */
int get_float_or_bool_array(napi_env env, napi_value v, const char *fn, const char *name, farray *out);
/** Any tensor storage: a Float64Array, Float32Array, Int32Array or Uint8Array. */
int get_storage_array(napi_env env, napi_value v, const char *fn, const char *name, farray *out);
/** An Int32Array (an index tensor's storage). */
int get_int32_array(napi_env env, napi_value v, const char *fn, const char *name, farray *out);
/** Element size in bytes of any typed array. */
size_t elem_size(const farray *a);
/** Whether two arrays' first nx / ny elements share memory. */
int overlaps(const farray *x, uint64_t nx, const farray *y, uint64_t ny);
/** Both arrays of one element type (a TypeError naming xn and yn otherwise). */
int same_type(napi_env env, const char *fn, const farray *x, const char *xn, const farray *y, const char *yn);
/** At least `need` elements (a RangeError naming the array otherwise). */
int at_least(napi_env env, const char *fn, const char *name, const farray *a, uint64_t need);

#endif
