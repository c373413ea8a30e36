/**
 * Resource limits for one sandboxed job, and how a finished job's stderr is read.
 * Numbers measured on the course machine (Node 20, Debian 12): Node needs about 730 MiB of address space just to
 * start ("Fatal process OOM in Failed to reserve virtual memory for CodeRange" below that), so RLIMIT_AS must be
 * at least 1 GiB; --max-old-space-size does not cap Buffers/ArrayBuffers, RLIMIT_AS does.
 */

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** Smallest address-space limit runSandboxed accepts. */
export const MIN_MEMORY_BYTES = 1 * GiB;

export interface JobLimits {
  /** Wall-clock limit; the whole process group is SIGKILLed when it is reached. */
  timeoutMs: number;
  /** RLIMIT_AS (address space) of the Node process. Node needs >= 1 GiB. */
  memoryBytes: number;
  /** Cap on captured stdout and on captured stderr (each); going over kills the job ("output-limit"). */
  outputCapBytes: number;
  /** Cap on the bytes sent over the result channel (fd 3); going over kills the job. */
  resultCapBytes: number;
  /** V8 old-space limit (--max-old-space-size); default derived from memoryBytes (see heapMiBFor). */
  heapMiB?: number;
  /** RLIMIT_CPU in seconds; default ceil(timeoutMs / 1000) + 1, a backstop behind the wall-clock timer. */
  cpuSeconds?: number;
  /** RLIMIT_FSIZE: largest file the job may write (the sandbox forbids writes anyway). */
  fileSizeBytes: number;
  /** RLIMIT_NOFILE. Node itself needs about 20. */
  openFiles: number;
  /** RLIMIT_NPROC (tasks, threads included). Node runs about 11 threads. */
  processes: number;
}

export const DEFAULT_LIMITS: Readonly<JobLimits> = Object.freeze({
  timeoutMs: 30_000,
  memoryBytes: 2 * GiB,
  outputCapBytes: 1 * MiB,
  resultCapBytes: 4 * MiB,
  fileSizeBytes: 1 * MiB,
  openFiles: 64,
  processes: 128,
});

/** V8 heap for an address-space limit: what is left after Node's ~0.9 GiB start-up reservation, 128..4096 MiB. */
export function heapMiBFor(memoryBytes: number): number {
  return Math.max(128, Math.min(4096, Math.floor((memoryBytes - 0.875 * GiB) / MiB)));
}

export function cpuSecondsFor(timeoutMs: number): number {
  return Math.ceil(timeoutMs / 1000) + 1;
}

export type FaultKind = "memory" | "access-denied" | "stack" | "error" | null;

const MEMORY_PATTERNS: RegExp[] = [
  /JavaScript heap out of memory/i,
  /Array buffer allocation failed/i,
  /Fatal process out of memory/i,
  /Fatal process OOM/i,
  /Reached heap limit/i,
  /std::bad_alloc/,
  /Cannot allocate memory/i,
  /\bENOMEM\b/,
];

/**
 * Reads a dead job's stderr: what kind of fault it shows and one human-readable line about it.
 * Only the text decides (signal numbers are ambiguous: V8 aborts with SIGTRAP or SIGABRT on OOM).
 */
export function classifyStderr(stderr: string): { kind: FaultKind; line: string | null } {
  for (const re of MEMORY_PATTERNS) {
    const m = re.exec(stderr);
    if (m) return { kind: "memory", line: lineAround(stderr, m.index) };
  }
  const denied = /Access to this API has been restricted|ERR_ACCESS_DENIED/.exec(stderr);
  if (denied) {
    // Node prints `code: 'ERR_ACCESS_DENIED', permission: 'FileSystemRead', resource: '/etc/passwd'` after the stack.
    const permission = /permission: '([^']*)'/.exec(stderr)?.[1];
    const resource = /resource: '([^']*)'/.exec(stderr)?.[1];
    const what = permission ? `${permission}${resource ? ` ${resource}` : ""}` : lineAround(stderr, denied.index);
    return { kind: "access-denied", line: `ERR_ACCESS_DENIED (${what})` };
  }
  const stack = /Maximum call stack size exceeded/.exec(stderr);
  if (stack) return { kind: "stack", line: lineAround(stderr, stack.index) };
  const err = /^(?:Uncaught )?(?:[A-Z]\w*)?(?:Error|Exception)\b.*$/m.exec(stderr) ?? /^\S*Error.*$/m.exec(stderr);
  if (err) return { kind: "error", line: err[0].trim() };
  return { kind: null, line: null };
}

function lineAround(text: string, index: number): string {
  const start = text.lastIndexOf("\n", index) + 1;
  const end = text.indexOf("\n", index);
  return text.slice(start, end === -1 ? undefined : end).trim();
}
