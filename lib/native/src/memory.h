/*
 * How tensor memory is allocated: glibc malloc thresholds that keep freed blocks for reuse, and huge pages
 * for big arrays (what numpy gets from its own allocator). Both only change speed, never values.
 */
#ifndef DLVR_MEMORY_H
#define DLVR_MEMORY_H

#include <node_api.h>

/** tuneMalloc(mmapThreshold, trimThreshold, topPad) -> boolean (glibc mallopt). */
napi_value js_tune_malloc(napi_env env, napi_callback_info info);
/** adviseHugePages(typedArray) -> boolean (MADV_HUGEPAGE on the array's whole 2 MiB pages and new heap). */
napi_value js_advise_huge_pages(napi_env env, napi_callback_info info);

#endif
