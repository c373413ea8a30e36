/**
 * Runner side of the hidden tests: runs inside the sandbox, bundled with the student's modules by
 * grader/run/runner-build.ts. The generated entry imports, in this order:
 *
 *   import "<repo>/grader/run/sandbox-channel";   // captures the result channel before anything else runs
 *   import { runPlan } from "<repo>/grader/run/runner/kit";   // reads plan.json, seeds Math.random
 *   import * as m0 from "./student_src/linear_classifier";
 *   import { probes } from "<repo>/grader/hidden/A3/probes";
 *   runPlan({ "student_src/linear_classifier.ts": m0 }, probes);
 *
 * For every test in the plan it reports `~start:<name>` and then `<name>` = { ok: true, value } or
 * { ok: false, error } through reportPart, so a timeout or crash keeps the values of earlier tests and tells the
 * grader which test was running. It reports values only; the grader compares them with expected values it
 * computes itself.
 */
import * as fs from "node:fs";
import { reportPart, reportResult } from "../sandbox-channel";
import { Generator } from "../../../lib/tensor";
import { PLAN_FILE, START_PREFIX, STATS_PREFIX, type Plan, type Probe, type ProbeError, type ProbeOutcome, type StudentModules } from "./protocol";
import { toWire } from "./wire";

function readPlan(): Plan {
  const file = process.argv[2] ?? PLAN_FILE;
  return JSON.parse(fs.readFileSync(file, "utf8")) as Plan;
}

const plan = readPlan();
const rng = new Generator(`math-random:${plan.randomSeed}`);
Math.random = () => rng.random();

const STUDENT_FRAME = /(student_src\/[A-Za-z0-9_./-]+\.ts):(\d+)/;

function safeString(v: unknown): string {
  try {
    return String(v);
  } catch {
    return "(an unprintable value)";
  }
}

/** Message and location of whatever a student function threw, without trusting it to behave. */
export function describeError(e: unknown): ProbeError {
  let message = "";
  let name = "Error";
  let stack = "";
  try {
    if (e instanceof Error) {
      message = safeString(e.message);
      name = safeString(e.name);
      stack = safeString(e.stack ?? "");
    } else {
      message = `threw a non-Error value: ${safeString(e)}`;
      name = "Throw";
    }
  } catch {
    message = "threw an error that could not be read";
  }
  const m = STUDENT_FRAME.exec(stack);
  return { message: message.slice(0, 500), where: m ? `${m[1]}:${m[2]}` : null, name: name.slice(0, 60) };
}

export function runPlan(modules: StudentModules, probes: Record<string, Probe>): void {
  for (const t of plan.tests) {
    reportPart(`${START_PREFIX}${t.name}`, 1);
    const started = performance.now();
    let outcome: ProbeOutcome;
    try {
      const probe = probes[t.name];
      if (!probe) throw new Error(`grader: no probe named ${t.name}`);
      outcome = { ok: true, value: toWire(probe(modules, t.seed)) };
    } catch (e) {
      outcome = { ok: false, error: describeError(e) };
    }
    try {
      reportPart(t.name, outcome);
    } catch (e) {
      reportPart(t.name, { ok: false, error: { message: `the result could not be sent: ${describeError(e).message}`, where: null, name: "Error" } });
    }
    try {
      reportPart(`${STATS_PREFIX}${t.name}`, { ms: performance.now() - started, rssBytes: process.memoryUsage.rss() });
    } catch {
      // informational only
    }
  }
  reportResult({ done: plan.tests.length });
}
