/*
 * indexSelect's row copies (Tensor.indexSelect, e.g. a minibatch X[idx]), split over OpenBLAS's own worker threads
 * when the copy is large: see gather.c.
 */
#ifndef DLVR_GATHER_H
#define DLVR_GATHER_H

#include <node_api.h>
#include <stdbool.h>

/**
 * indexSelect(src, index, out, outer, size, inner): out[(o * n + j) * inner + i] = src[(o * size + index[j]) * inner + i]
 * for o < outer, j < n = index.length, i < inner. src and out: one storage type (Float64Array, Float32Array,
 * Int32Array or Uint8Array); index: Int32Array with entries in [0, size). Throws TypeError / RangeError.
 */
napi_value js_index_select(napi_env env, napi_callback_info info);

/** Whether large copies run on OpenBLAS's threads (library version, a self-test; false while it has one thread). */
bool gather_threads_available(void);

#endif
