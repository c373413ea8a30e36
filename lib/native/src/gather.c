/*
 * indexSelect's row copies: see gather.h.
 *
 * A minibatch gather (200 random rows of a 8,000 x 3,073 float64 training set, 4.9 MB) is memory-bound and took
 * a quarter of the softmax SGD step on one thread. Two threads copy it in about half the time. The second thread
 * is OpenBLAS's own worker: it is already awake (it spins between the step's products), so handing it half of
 * the rows costs what handing it half of a product costs, while a thread of our own would have to be woken and
 * would compete with that spinning worker for the same core.
 *
 * The hand-off goes through blas_level1_thread, the function OpenBLAS's level-1 routines use to split a vector
 * over its threads. It is exported by every threaded OpenBLAS build but is not part of its documented interface,
 * so it is used only where it is known to behave as read here (OpenBLAS 0.3.13 or later, whose "double" mode
 * is 3), when it is present (a weak symbol: a serial OpenBLAS or another BLAS leaves it NULL), and after a
 * self-test on first use; TENSOR_THREADED_GATHER=0 turns it off. Otherwise the same copies run on one thread.
 * Either way every byte is copied as is, so results do not depend on the path.
 */
#include "gather.h"

#include <cblas.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

/* OpenBLAS's BLASLONG on LP64 systems, and the parts of its threading interface used here. */
typedef long blaslong;
extern int blas_level1_thread(int mode, blaslong m, blaslong n, blaslong k, void *alpha, void *a, blaslong lda,
                              void *b, blaslong ldb, void *c, blaslong ldc, int (*function)(void), int threads)
    __attribute__((weak));
int openblas_get_num_threads(void);
char *openblas_get_config(void);

/* OpenBLAS's BLAS_DOUBLE | BLAS_REAL (common_thread.h since 0.3.13): rows are split as doubles, see copy_chunk. */
#define BLAS_MODE_DOUBLE 3

/* Copies below this size stay on the calling thread: the hand-off costs about as much as copying this. */
#define THREAD_MIN_BYTES ((size_t)512 << 10)

typedef struct {
  const char *src;
  char *out;
  const int32_t *index;
  size_t n, size, row_bytes;
} gather_job;

/* Output rows [first, last): row r is index entry r % n of outer block r / n. */
static void copy_rows(const gather_job *job, size_t first, size_t last) {
  for (size_t r = first; r < last; r++) {
    const size_t o = r / job->n, j = r % job->n;
    memcpy(job->out + r * job->row_bytes, job->src + (o * job->size + (size_t)job->index[j]) * job->row_bytes,
           job->row_bytes);
  }
}

/*
 * Called by OpenBLAS once per thread with its share of the rows: m rows, and `b` advanced from NULL by 8 bytes per
 * row before it (blas_level1_thread moves b by width * ldb doubles, ldb = 1), which gives the first row; `c` is
 * the job, passed through untouched. The signature is that of OpenBLAS's legacy double-precision routines.
 */
static void copy_chunk(blaslong m, blaslong n, blaslong k, double alpha, double *a, blaslong lda, double *b,
                       blaslong ldb, double *c, blaslong ldc, void *sb) {
  (void)n, (void)k, (void)alpha, (void)a, (void)lda, (void)ldb, (void)ldc, (void)sb;
  const size_t first = (size_t)((uintptr_t)b / sizeof(double));
  copy_rows((const gather_job *)c, first, first + (size_t)m);
}

static void copy_threaded(const gather_job *job, size_t rows, int threads) {
  double one = 1.0;
  blas_level1_thread(BLAS_MODE_DOUBLE, (blaslong)rows, 0, 0, &one, NULL, 0, NULL, 1, (void *)job, 0,
                     (int (*)(void))(void (*)(void))copy_chunk, threads); /* OpenBLAS casts it back */
}

static int version_known(void) {
  int major = 0, minor = 0, patch = 0;
  const char *config = openblas_get_config();
  if (config == NULL || sscanf(config, "OpenBLAS %d.%d.%d", &major, &minor, &patch) != 3) return 0;
  return major > 0 || minor > 3 || (minor == 3 && patch >= 13);
}

/* Gathers 64 rows of 3 int32 on the given threads (2 or more) and compares with the expected rows. */
static int self_test(int threads) {
  enum { ROWS = 64, COLS = 3, SRC_ROWS = 97 };
  int32_t src[SRC_ROWS * COLS], out[ROWS * COLS], index[ROWS];
  for (int i = 0; i < SRC_ROWS * COLS; i++) src[i] = i * 7 + 1;
  for (int j = 0; j < ROWS; j++) index[j] = (j * 31 + 5) % SRC_ROWS;
  memset(out, 0, sizeof out);
  const gather_job job = {(const char *)src, (char *)out, index, ROWS, SRC_ROWS, COLS * sizeof(int32_t)};
  copy_threaded(&job, ROWS, threads);
  for (int j = 0; j < ROWS; j++) {
    for (int i = 0; i < COLS; i++) {
      if (out[j * COLS + i] != src[index[j] * COLS + i]) return 0;
    }
  }
  return 1;
}

static int available = -1; /* -1: not decided yet */

/* Decided on the first call made with more than one OpenBLAS thread (the self-test needs two). */
static int threads_usable(int threads) {
  if (available < 0) {
    const char *env = getenv("TENSOR_THREADED_GATHER");
    const int wanted = env == NULL || strcmp(env, "0") != 0;
    available = wanted && blas_level1_thread != NULL && version_known() && self_test(threads);
  }
  return available == 1;
}

bool gather_threads_available(void) {
  const int threads = openblas_get_num_threads();
  if (threads > 1) return threads_usable(threads);
  return available == 1;
}

napi_value js_index_select(napi_env env, napi_callback_info info) {
  const char *fn = "indexSelect";
  napi_value argv[6];
  farray src, index, out;
  int outer, size, inner;
  if (!get_args(env, info, fn, "src, index, out, outer, size, inner", 6, argv) ||
      !get_storage_array(env, argv[0], fn, "src", &src) || !get_int32_array(env, argv[1], fn, "index", &index) ||
      !get_storage_array(env, argv[2], fn, "out", &out) || !get_dim(env, argv[3], fn, "outer", &outer) ||
      !get_dim(env, argv[4], fn, "size", &size) || !get_dim(env, argv[5], fn, "inner", &inner)) {
    return NULL;
  }
  if (src.type != out.type) return fail(env, 0, "%s: src and out must have the same element type", fn);
  const uint64_t n = index.length, rows = (uint64_t)outer * n;
  if (!at_least(env, fn, "src", &src, (uint64_t)outer * size * inner) || !at_least(env, fn, "out", &out, rows * inner)) {
    return NULL;
  }
  if (overlaps(&out, rows * inner, &src, (uint64_t)outer * size * inner)) {
    return fail(env, 1, "%s: out must not share memory with src", fn);
  }
  const int32_t *ix = index.data;
  for (uint64_t j = 0; j < n; j++) {
    if (ix[j] < 0 || ix[j] >= size) return fail(env, 1, "%s: index %d is out of bounds for size %d", fn, ix[j], size);
  }
  if (rows == 0 || inner == 0) return NULL;
  const gather_job job = {src.data, out.data, ix, n, (size_t)size, (size_t)inner * elem_size(&src)};
  const int threads = openblas_get_num_threads();
  if (threads > 1 && rows >= 2 && rows * job.row_bytes >= THREAD_MIN_BYTES && threads_usable(threads)) {
    copy_threaded(&job, rows, rows < (uint64_t)threads ? (int)rows : threads);
  } else {
    copy_rows(&job, 0, rows);
  }
  return NULL;
}
