/**
 * The shared machine's slow spells, measured instead of guessed from the spread of timings (scripts/bench.ts).
 *
 * On the 2-vCPU nested-PVM VMs this project runs on, the host now and then places the two vCPUs apart for 10-40 s:
 * a cache line's round trip between two threads goes from ~105 ns to ~340 ns, and a 2-thread OpenBLAS product
 * then takes ~2.5x its 1-thread time, while single-thread work runs at full speed (measured 2026-12-05: the two
 * readings moved together in every second of 100). A side timed in a spell is not comparable with one timed
 * outside it, and a side can sit in one for all its rounds of a row.
 *
 * The probe bounces an Atomics counter between this thread and a worker thread 20,000 times (2-7 ms); the worker
 * sleeps in Atomics.wait between readings, so it takes no CPU from what is measured. A reading is a spell when it
 * is over SPELL_FACTOR x the calm reference: the lowest reading of the run so far.
 *
 * Imports only Node's worker_threads: the bench's other modules decide what to do with a reading.
 */
import { Worker } from "node:worker_threads";

/** A reading over this many times the run's lowest reading is a spell (calm readings agree within ~1.3x). */
export const SPELL_FACTOR = 1.6;

const ROUND_TRIPS = 20_000;
const READINGS = 3;
/** A reading whose worker does not answer within this is dropped (NaN), not waited for. */
const STALL_MS = 2_000;

// Shared words: 0 the bounced counter (this thread makes it odd, the worker even); 1 the worker's command
// (0 idle, 1 bounce, -1 exit); 2 the round trips asked for.
const COUNTER = 0, COMMAND = 1, TRIPS = 2;

const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const f = new Int32Array(workerData);
for (;;) {
  Atomics.wait(f, ${COMMAND}, 0);
  if (Atomics.load(f, ${COMMAND}) < 0) break;
  const n = Atomics.load(f, ${TRIPS});
  for (let i = 0; i < n; i++) {
    let v;
    while (((v = Atomics.load(f, ${COUNTER})) & 1) === 0) {}
    Atomics.store(f, ${COUNTER}, v + 1);
  }
  Atomics.store(f, ${COMMAND}, 0);
}`;

export interface SpellProbe {
  /** Median ns per round trip of a cache line between two threads, or NaN when the worker stalled. */
  read(): number;
  close(): Promise<void>;
}

/** Starts the probe's worker, or says why there is no probe (one CPU: nothing to bounce between). */
export async function startSpellProbe(cpuCount: number): Promise<SpellProbe | string> {
  if (cpuCount < 2) return "one CPU";
  const words = new Int32Array(new SharedArrayBuffer(4 * 3));
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: words.buffer });
  await new Promise<void>((resolve, reject) => {
    worker.once("online", resolve);
    worker.once("error", reject);
  });
  worker.unref(); // from here on, a sleeping probe never keeps the bench alive
  const bounce = (): number => {
    Atomics.store(words, TRIPS, ROUND_TRIPS);
    Atomics.store(words, COMMAND, 1);
    Atomics.notify(words, COMMAND);
    const t0 = performance.now();
    for (let i = 0; i < ROUND_TRIPS; i++) {
      const v = Atomics.load(words, COUNTER);
      Atomics.store(words, COUNTER, v + 1);
      let spins = 0;
      while (Atomics.load(words, COUNTER) === v + 1) {
        if (++spins % 65_536 === 0 && performance.now() - t0 > STALL_MS) return stalled();
      }
    }
    const ns = ((performance.now() - t0) * 1e6) / ROUND_TRIPS;
    while (Atomics.load(words, COMMAND) !== 0) { /* the worker is back to sleep in a few ns */ }
    return ns;
  };
  let dead = false;
  const stalled = (): number => {
    dead = true; // the worker may be mid-bounce: it is never asked again
    void worker.terminate();
    return NaN;
  };
  return {
    read() {
      if (dead) return NaN;
      const ns: number[] = [];
      for (let i = 0; i < READINGS; i++) {
        const r = bounce();
        if (Number.isNaN(r)) return NaN;
        ns.push(r);
      }
      return ns.sort((a, b) => a - b)[1];
    },
    async close() {
      if (dead) return;
      Atomics.store(words, COMMAND, -1);
      Atomics.notify(words, COMMAND);
      await worker.terminate();
    },
  };
}

/** Every reading of one bench run: the lowest is the calm reference. */
export interface SpellLog {
  readings: number[];
  /** Seconds left for waitForCalm in this bench run. */
  waitBudgetS: number;
  waitedS: number;
}

export function newSpellLog(waitBudgetS: number): SpellLog {
  return { readings: [], waitBudgetS, waitedS: 0 };
}

/** Takes a reading and logs it; NaN without a probe. */
export function probeNow(probe: SpellProbe | null, log: SpellLog): number {
  if (probe === null) return NaN;
  const ns = probe.read();
  if (!Number.isNaN(ns)) log.readings.push(ns);
  return ns;
}

/** The calm reference: the run's lowest reading (NaN before the first). */
export function calmNs(log: SpellLog): number {
  return log.readings.length ? Math.min(...log.readings) : NaN;
}

/** Whether a run bracketed by these readings overlapped a spell (false when there is nothing to compare). */
export function inSpell(readings: readonly number[], calm: number): boolean {
  return readings.some((ns) => !Number.isNaN(ns) && !Number.isNaN(calm) && ns > SPELL_FACTOR * calm);
}

const POLL_MS = 500;
/** The longest one wait may take; spells seen so far lasted 10-40 s. */
const MAX_WAIT_S = 60;

/**
 * Before a measured run: while the probe reads a spell, waits (polling every half second, at most a minute each
 * time and the log's budget in all). Returns the last reading, so it also serves as the run's "before" reading.
 */
export async function waitForCalm(probe: SpellProbe | null, log: SpellLog): Promise<number> {
  if (probe === null) return NaN;
  let ns = probeNow(probe, log);
  const t0 = performance.now();
  const waited = (): number => (performance.now() - t0) / 1000;
  while (inSpell([ns], calmNs(log)) && waited() < Math.min(log.waitBudgetS, MAX_WAIT_S)) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    ns = probeNow(probe, log);
  }
  const spentS = waited(); // read once: the budget and the tally must agree
  log.waitBudgetS = Math.max(0, log.waitBudgetS - spentS);
  log.waitedS += spentS;
  return ns;
}

/**
 * Which of a side's rounds stands for it: the fastest of all. A spell only slows a run, so the fastest round is
 * the best estimate of the side's calm time whatever its mark; calm false says that no calm round beat a marked
 * one, so the side's figure may still carry a spell's slowdown (the caller names the side).
 */
export function bestRound(ms: readonly number[], spell: readonly boolean[]): { index: number; calm: boolean } {
  const index = ms.reduce((a, _, b) => (ms[b] < ms[a] ? b : a), 0);
  return { index, calm: !spell[index] };
}
