import { allocate, dtypeOf, type DType, type Storage } from "./dtype";
import type { Tensor } from "./tensor";

/**
 * A storage pool for training loops: `release(t)` hands a dead tensor's memory back, and the next op that needs
 * an output of exactly that dtype and length takes it instead of allocating. Why: a new typed array is
 * zero-filled by calloc, and V8 frees array buffers only at its next GC, so a loop that makes the same few
 * large temporaries every iteration (a 200 x 3073 batch is 4.9 MB) keeps zeroing fresh memory and running the
 * GC; numpy's temporaries go back to malloc the moment they die and come straight back.
 *
 * Safety rests on the caller: release a tensor only when neither it nor any view of it (slice, t(), reshape
 * ...) is used again, e.g. the batch and gradients at the end of an SGD iteration. Nothing is released
 * implicitly (no FinalizationRegistry, no scopes), so code that never calls release behaves exactly as
 * without the pool. Pooled storage is handed only to ops that overwrite every element of their output
 * (`takeStorage`), never to zeros()/ones(); the values an op computes are the same either way.
 */

/** Arrays below this many bytes are not pooled (small typed arrays are cheap, and V8 may keep them on its heap). */
export const POOL_MIN_BYTES = 4 * 2 ** 10;
/** At most this many bytes wait in the pool; storage released beyond that is left to the GC. */
export const POOL_MAX_BYTES = 128 * 2 ** 20;

const free = new Map<string, Storage[]>();
/** Buffers now in the pool: releasing one twice (two views of one storage) must not hand it out twice. */
const pooled = new WeakSet<Storage>();
let pooledBytes = 0;
let hits = 0;
let misses = 0;

function key(dtype: DType, n: number): string {
  return `${dtype}:${n}`;
}

/**
 * Storage of `n` elements for an op that writes every one of them: a released buffer of that dtype and length
 * when the pool has one (its old values still in it), else a new zero-filled one.
 */
export function takeStorage(dtype: DType, n: number): Storage {
  if (pooledBytes > 0) {
    const list = free.get(key(dtype, n));
    const data = list?.pop();
    if (data !== undefined) {
      pooled.delete(data);
      pooledBytes -= data.byteLength;
      hits++;
      return data;
    }
    misses++;
  }
  return allocate(dtype, n);
}

/**
 * Hands the storage of tensors that are dead (never used again, nor any view of them) to the pool, so the next
 * op needing the same size reuses it. null/undefined entries are skipped; so are small tensors and storage
 * already in the pool. Returns how many buffers were pooled.
 */
export function release(...tensors: Array<Tensor | null | undefined>): number {
  let n = 0;
  for (const t of tensors) if (t !== null && t !== undefined) n += releaseStorage(t.data);
  return n;
}

/** release() for a bare storage an op took with takeStorage and no longer needs (a scratch buffer). */
export function releaseStorage(...storages: Storage[]): number {
  let n = 0;
  for (const data of storages) {
    if (data.byteLength < POOL_MIN_BYTES || pooled.has(data) || pooledBytes + data.byteLength > POOL_MAX_BYTES) continue;
    // Only whole buffers: a subarray view would hand out memory that other arrays still cover.
    if (data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength) continue;
    const k = key(dtypeOf(data), data.length);
    let list = free.get(k);
    if (list === undefined) free.set(k, (list = []));
    list.push(data);
    pooled.add(data);
    pooledBytes += data.byteLength;
    n++;
  }
  return n;
}

/** What the pool holds and how often it served a request (for tests and the bench). */
export function poolStats(): { bytes: number; buffers: number; hits: number; misses: number } {
  let buffers = 0;
  for (const list of free.values()) buffers += list.length;
  return { bytes: pooledBytes, buffers, hits, misses };
}

/** Empties the pool (the GC takes the buffers) and resets the counters. */
export function clearPool(): void {
  for (const list of free.values()) for (const data of list) pooled.delete(data);
  free.clear();
  pooledBytes = 0;
  hits = 0;
  misses = 0;
}
