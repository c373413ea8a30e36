/*
 * Elementwise kernels for lib/tensor's hot paths (bias adds, ReLU, masks, SGD updates, sums). Each computes
 * exactly what the portable TypeScript loop in lib/tensor/portable-elementwise.ts computes, in the same order
 * and in double precision, so both give bit-identical results; only the speed differs (SIMD, no JIT).
 */
#ifndef DLVR_ELEMENTWISE_H
#define DLVR_ELEMENTWISE_H

#include <node_api.h>
#include <stddef.h>

/** arith(op, a, b, out, broadcast, L): out[i] = a[i] op b[j], op 0..3 = + - * /; see elementwise.c. */
napi_value js_arith(napi_env env, napi_callback_info info);
/** compareScalar(op, a, s, out): out[i] = a[i] op s (1 or 0), op 4..7 = > >= < <=. */
napi_value js_compare_scalar(napi_env env, napi_callback_info info);
/** axpy(y, x, alpha): y[i] += alpha * x[i]. */
napi_value js_axpy(napi_env env, napi_callback_info info);
/** clamp(src, out, lo, hi): out[i] = src[i] < lo ? lo : src[i] > hi ? hi : src[i]. */
napi_value js_clamp(napi_env env, napi_callback_info info);
/** sum(src, out, outer, size, inner): out[o*inner+i] = sum over k of src[(o*size+k)*inner+i]. */
napi_value js_sum(napi_env env, napi_callback_info info);

/** out[r] = the row sum of src's row r (rows x size, packed), as js_sum computes it (for other kernels). */
void row_sums_d(const double *src, double *out, size_t rows, size_t size);
void row_sums_f(const float *src, float *out, size_t rows, size_t size);

#endif
