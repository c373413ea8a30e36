// The bench's slow-spell probe (scripts/bench-spells.ts): the real probe's readings, and the rules that mark,
// wait out and discount rounds, on given readings (a scripted probe stands in only where a spell must be made).
import { describe, expect, it } from "vitest";
import {
  SPELL_FACTOR, bestRound, calmNs, inSpell, newSpellLog, probeNow, startSpellProbe, waitForCalm, type SpellProbe,
} from "../scripts/bench-spells";

/** A probe that reads the given numbers in turn, then the last one for ever. */
function scripted(readings: number[]): SpellProbe & { reads: number } {
  const probe = {
    reads: 0,
    read: () => readings[Math.min(probe.reads++, readings.length - 1)],
    close: async () => {},
  };
  return probe;
}

describe("the spell probe", () => {
  it("reads a cache line's round trip between two threads in nanoseconds, and closes without keeping Node alive", async () => {
    const probe = await startSpellProbe(2);
    if (typeof probe === "string") throw new Error(probe);
    const ns = [probe.read(), probe.read(), probe.read()];
    for (const x of ns) {
      expect(Number.isFinite(x)).toBe(true);
      // A round trip is two cache-line transfers: tens to a few thousand ns on any machine with two threads.
      expect(x).toBeGreaterThan(5);
      expect(x).toBeLessThan(100_000);
    }
    await probe.close();
  });

  it("says why there is none on one CPU", async () => {
    expect(await startSpellProbe(1)).toBe("one CPU");
  });

  it("logs every reading and takes the lowest as the calm reference", () => {
    const log = newSpellLog(10);
    expect(calmNs(log)).toBeNaN();
    const probe = scripted([120, 100, 340, Number.NaN]);
    expect([probeNow(probe, log), probeNow(probe, log), probeNow(probe, log)]).toEqual([120, 100, 340]);
    expect(probeNow(probe, log)).toBeNaN(); // a stalled reading is not logged
    expect(log.readings).toEqual([120, 100, 340]);
    expect(calmNs(log)).toBe(100);
    expect(probeNow(null, log)).toBeNaN();
  });
});

describe("marking rounds", () => {
  it("marks a round when a reading around it is over SPELL_FACTOR x the calm reference", () => {
    expect(SPELL_FACTOR).toBe(1.6);
    expect(inSpell([100, 159], 100)).toBe(false);
    expect(inSpell([100, 161], 100)).toBe(true);
    expect(inSpell([340, 100], 100)).toBe(true);
    expect(inSpell([Number.NaN, 120], 100)).toBe(false); // a stalled reading says nothing
    expect(inSpell([400, 400], Number.NaN)).toBe(false); // nor does a run without a reference
  });

  it("lets a side's fastest round stand for it, and says when that round overlapped a spell", () => {
    // A spell only slows a run: the fastest round (3 ms) stands even when marked, and is flagged.
    expect(bestRound([5, 3, 4], [false, true, false])).toEqual({ index: 1, calm: false });
    expect(bestRound([5, 3, 4], [false, false, false])).toEqual({ index: 1, calm: true });
    expect(bestRound([5, 3, 4], [true, false, true])).toEqual({ index: 1, calm: true });
    expect(bestRound([5, 3, 4], [true, true, true])).toEqual({ index: 1, calm: false });
    expect(bestRound([7], [false])).toEqual({ index: 0, calm: true });
  });
});

describe("waiting for calm", () => {
  it("starts at once when the machine is calm", async () => {
    const log = newSpellLog(30);
    log.readings.push(100);
    const probe = scripted([110]);
    expect(await waitForCalm(probe, log)).toBe(110);
    expect(probe.reads).toBe(1);
    expect(log.waitedS).toBeLessThan(0.1);
  });

  it("polls through a spell and returns the first calm reading, charging the wait to the run's budget", async () => {
    const log = newSpellLog(30);
    log.readings.push(100);
    const probe = scripted([400, 380, 120, 900]);
    expect(await waitForCalm(probe, log)).toBe(120);
    expect(probe.reads).toBe(3);
    expect(log.waitedS).toBeGreaterThan(0.9); // two polls of half a second
    expect(log.waitedS).toBeLessThan(5);
    expect(log.waitBudgetS).toBeCloseTo(30 - log.waitedS, 5);
  });

  it("gives up when the budget is spent, returning the spell reading so the round is marked", async () => {
    const log = newSpellLog(1.2);
    log.readings.push(100);
    const probe = scripted([400]);
    const ns = await waitForCalm(probe, log);
    expect(ns).toBe(400);
    expect(inSpell([ns], calmNs(log))).toBe(true);
    expect(log.waitedS).toBeGreaterThanOrEqual(1.2);
    expect(log.waitedS).toBeLessThan(3);
    expect(log.waitBudgetS).toBe(0);
    // With nothing left, the next round is only marked.
    const again = scripted([400]);
    expect(await waitForCalm(again, log)).toBe(400);
    expect(again.reads).toBe(1);
  });

  it("never waits without a probe", async () => {
    const log = newSpellLog(30);
    expect(await waitForCalm(null, log)).toBeNaN();
    expect(log.waitedS).toBe(0);
  });
});
