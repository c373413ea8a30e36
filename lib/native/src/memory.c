/* How tensor memory is allocated: see memory.h. */
#define _GNU_SOURCE /* MADV_HUGEPAGE, sbrk */
#include "memory.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "args.h"

#if defined(MADV_HUGEPAGE) && defined(__linux__)
#define HUGE_PAGE ((uintptr_t)2 << 20)

/* The part of the malloc heap (brk area) already advised: [heap_start, heap_advised). */
static uintptr_t heap_start = 0, heap_advised = 0;

/* Start of the "[heap]" mapping in /proc/self/maps, or 0. */
static uintptr_t find_heap_start(void) {
  FILE *maps = fopen("/proc/self/maps", "r");
  if (maps == NULL) return 0;
  char line[512];
  unsigned long start = 0, end;
  while (fgets(line, sizeof line, maps) != NULL) {
    if (strstr(line, "[heap]") != NULL && sscanf(line, "%lx-%lx", &start, &end) == 2) break;
    start = 0;
  }
  fclose(maps);
  return start;
}

/*
 * Advises the heap's growth since the last call. brk extends the heap with plain pages (the kernel does not
 * carry the advice over), so like glibc's glibc.malloc.hugetlb=1 tunable (settable only at process start) we
 * advise each new part; sbrk(0) is glibc's cached break, so the check costs no system call.
 */
static void advise_heap_growth(void) {
  if (heap_start == 0) heap_advised = heap_start = find_heap_start();
  if (heap_start == 0) return;
  uintptr_t brk_now = (uintptr_t)sbrk(0);
  if (brk_now <= heap_advised) return;
  uintptr_t from = heap_advised & ~((uintptr_t)4095);
  if (madvise((void *)from, brk_now - from, MADV_HUGEPAGE) == 0) heap_advised = brk_now;
}
#endif

/*
 * tuneMalloc(mmapThreshold, trimThreshold, topPad) -> boolean. glibc returns freed memory above 128 KiB to the kernel
 * (munmap, or trimming the heap top), so the next tensor of that size page-faults all of it back in: ~100 us for
 * a 245 KB weight matrix on a VM, 20x the arithmetic. numpy escapes this because it frees each temporary at once
 * and malloc hands the same block back; V8 frees array buffers only at GC, after the heap top was trimmed.
 * Raising both thresholds keeps freed blocks for reuse; topPad makes the heap grow in large steps (fewer
 * system calls, and whole 2 MiB pages for adviseHugePages). Returns false where this is not glibc (nothing done)
 * or glibc refused a value (mmap threshold max is 32 MiB on 64-bit).
 */
napi_value js_tune_malloc(napi_env env, napi_callback_info info) {
  const char *fn = "tuneMalloc";
  napi_value argv[3];
  int mmap_threshold, trim_threshold, top_pad;
  if (!get_args(env, info, fn, "mmapThreshold, trimThreshold, topPad", 3, argv) ||
      !get_dim(env, argv[0], fn, "mmapThreshold", &mmap_threshold) ||
      !get_dim(env, argv[1], fn, "trimThreshold", &trim_threshold) || !get_dim(env, argv[2], fn, "topPad", &top_pad)) {
    return NULL;
  }
  bool done = false;
#if defined(__GLIBC__)
  done = mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1 && mallopt(M_TRIM_THRESHOLD, trim_threshold) == 1 &&
         mallopt(M_TOP_PAD, top_pad) == 1;
#endif
  napi_value out;
  CHECK(napi_get_boolean(env, done, &out));
  return out;
}

/*
 * adviseHugePages(typedArray) -> boolean: asks for transparent huge pages (madvise MADV_HUGEPAGE), which numpy
 * does for every array of 4 MiB or more, on the array's whole 2 MiB pages and on the malloc heap's new growth
 * (where the tuned malloc puts tensors below 32 MiB). With THP in "madvise" mode (Debian's default) memory
 * otherwise comes in 4 KiB pages: a fresh tensor costs one page fault per 4 KiB, and a product reading a
 * 12 MB matrix column by column (X.T @ d) misses the TLB on most rows. Only speed changes. Returns whether
 * anything of the array itself was advised (false for small arrays, off Linux, or when refused).
 */
napi_value js_advise_huge_pages(napi_env env, napi_callback_info info) {
  napi_value argv[1], out;
  bool is_ta = false;
  farray arr;
  if (!get_args(env, info, "adviseHugePages", "array", 1, argv)) return NULL;
  if (napi_is_typedarray(env, argv[0], &is_ta) != napi_ok || !is_ta) {
    return fail(env, 0, "adviseHugePages: array must be a typed array, got %s", type_name(env, argv[0]));
  }
  CHECK(napi_get_typedarray_info(env, argv[0], &arr.type, &arr.length, &arr.data, NULL, NULL));
  bool done = false;
#if defined(MADV_HUGEPAGE) && defined(__linux__)
  advise_heap_growth();
  const uintptr_t from = (uintptr_t)arr.data, to = from + arr.length * elem_size(&arr);
  const uintptr_t start = (from + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1), end = to & ~(HUGE_PAGE - 1);
  if (arr.data != NULL && end > start) done = madvise((void *)start, end - start, MADV_HUGEPAGE) == 0;
#endif
  CHECK(napi_get_boolean(env, done, &out));
  return out;
}
