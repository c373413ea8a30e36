/*
 * Fused kernels (one pass instead of several tensors) for lib/tensor/fused.ts. Like elementwise.h, each
 * computes exactly what its TypeScript counterpart computes, in the same order, so both backends agree bit for bit.
 */
#ifndef DLVR_FUSED_H
#define DLVR_FUSED_H

#include <node_api.h>

/** sumSquares(src) -> number: sum of src[i]^2, each square rounded to the element type, 8 running sums in double
 * (as elementwise.c's row sum), the total rounded to the element type: what t.mul(t).sum() stores. */
napi_value js_sum_squares(napi_env env, napi_callback_info info);

/** logsumexpRows(src, shifts, sums, rows, size): for each packed row of src (rows x size, size >= 1), shifts[r] =
 * its max (0 if that is +-inf or NaN) and sums[r] = the row sum of exp(x - shift), every intermediate rounded to
 * the element type as Tensor.logsumexp's portable loop stores it; the caller adds log(sums[r]) + shifts[r]. */
napi_value js_logsumexp_rows(napi_env env, napi_callback_info info);

#endif
