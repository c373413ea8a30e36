/* exp over a float array, bit for bit V8's Math.exp (fdlibm's algorithm), vectorized: see exp.c. */
#ifndef DLVR_EXP_H
#define DLVR_EXP_H

#include <node_api.h>
#include <stddef.h>

/** out[i] = Math.exp(src[i]) for i < n, rounded to the element type; out may be src (for other kernels). */
void exp_d(const double *src, double *out, size_t n);
void exp_f(const float *src, float *out, size_t n);

/** exp(src, out): out[i] = Math.exp(src[i]) rounded to out's element type; out may be src. */
napi_value js_exp(napi_env env, napi_callback_info info);

#endif
