/**
 * Runner side of the sandbox's result channel: bundled into the generated runner and executed *inside* the sandbox.
 *
 *   import { reportResult, reportPart } from "./sandbox-channel";   // import this FIRST in the runner
 *   import * as student from "../student_src/hw1";
 *   reportPart("relu", student.relu([-1, 2]).toArray());
 *   reportResult({ done: true });
 *
 * The parent (grader/run/sandbox.ts) reads fd 3. Every frame is one line of JSON carrying a per-run nonce that this
 * module takes out of the environment when it is first evaluated, before any student module runs (esbuild keeps
 * ESM evaluation order, so import it before the student's modules). A frame without the right nonce, or any
 * other byte on fd 3, makes the parent discard the whole result.
 *
 * This is not a security boundary: student code shares the process and could patch things. The grader must
 * therefore only send *values* through here (outputs of the student's functions), never verdicts like
 * "passed": expected values stay in the trusted parent, which does the comparing. Forging a value that matches
 * the hidden expected value is as hard as computing it.
 *
 * Encoding: JSON, plus NaN/Infinity/-Infinity as {"$nonfinite": "NaN" | "Infinity" | "-Infinity"}, typed arrays
 * as plain arrays and bigint as {"$bigint": "123"}; grader/run/sandbox.ts decodes these (decodeChannelValue).
 */
import * as fs from "node:fs";

/** Environment variable that carries the nonce; deleted from process.env as soon as this module loads. */
export const RESULT_NONCE_ENV = "GRADER_RESULT_NONCE";
/** File descriptor the parent reads results from. */
export const RESULT_FD = 3;

// Captured before any student code runs, so that later monkey-patching does not affect the channel itself.
const writeSync = fs.writeSync;
const stringify = JSON.stringify;
const isView = ArrayBuffer.isView;
const arrayFrom = Array.from as (x: ArrayLike<unknown>) => unknown[];
const isFiniteNumber = Number.isFinite;
const nonce: string | undefined = process.env[RESULT_NONCE_ENV];
delete process.env[RESULT_NONCE_ENV];
let finalSent = false;

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === "number" && !isFiniteNumber(value)) return { $nonfinite: String(value) };
  if (typeof value === "bigint") return { $bigint: value.toString() };
  if (isView(value) && !(value instanceof DataView)) return arrayFrom(value as unknown as ArrayLike<unknown>);
  return value;
}

function send(frame: Record<string, unknown>): void {
  if (nonce === undefined) throw new Error("sandbox-channel: no result channel (not started by grader/run/sandbox.ts?)");
  const line = Buffer.from(`${stringify({ ...frame, n: nonce }, replacer)}\n`, "utf8");
  let off = 0;
  let spins = 0;
  while (off < line.length) {
    try {
      off += writeSync(RESULT_FD, line, off, line.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EAGAIN" && spins++ < 100_000) continue;
      throw e;
    }
  }
}

/** Reports one named intermediate value (e.g. one test's output); a later timeout or crash keeps the parts sent. */
export function reportPart(key: string, value: unknown): void {
  send({ k: "part", key, v: value });
}

/** Reports the final result; call once, as the last thing the runner does. */
export function reportResult(value: unknown): void {
  if (finalSent) throw new Error("sandbox-channel: reportResult called twice");
  finalSent = true;
  send({ k: "final", v: value });
}
