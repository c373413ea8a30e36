/* exp over a float array, bit for bit V8's Math.exp (fdlibm's algorithm), vectorized: see exp.c. */
#ifndef DLVR_EXP_H
#define DLVR_EXP_H

#include <node_api.h>

/** exp(src, out): out[i] = Math.exp(src[i]) rounded to out's element type; out may be src. */
napi_value js_exp(napi_env env, napi_callback_info info);

#endif
