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
 * other byte on fd 3, makes the parent discard the final result and every frame from there on (the parts sent
 * before the damage are kept: a late block cannot take back results already produced).
 *
 * This is not a security boundary: student code shares the process and could patch things. The grader must
 * therefore only send *values* through here (outputs of the student's functions), never verdicts like
 * "passed": expected values stay in the trusted parent, which does the comparing. Forging a value that matches
 * the hidden expected value is as hard as computing it.
 *
 * Encoding: JSON written by this module's own encoder (never JSON.stringify on objects, so an
 * Object.prototype.toJSON set by a block cannot rewrite frames), plus NaN/Infinity/-Infinity as
 * {"$nonfinite": "NaN" | "Infinity" | "-Infinity"}, typed arrays as plain arrays and bigint as {"$bigint": "123"};
 * grader/run/sandbox.ts decodes these (decodeChannelValue) and grader/run/wire-check.ts rebuilds every value.
 */
import * as fs from "node:fs";

/** Environment variable that carries the nonce; deleted from process.env as soon as this module loads. */
export const RESULT_NONCE_ENV = "GRADER_RESULT_NONCE";
/** File descriptor the parent reads results from. */
export const RESULT_FD = 3;

// Captured before any student code runs, so that later monkey-patching (Array.from, JSON.stringify,
// Object.prototype.toJSON, Buffer.from, fs.writeSync, ...) cannot reach the channel or the encoding.
const writeSync = fs.writeSync;
const quoteString = JSON.stringify as (s: string) => string; // only ever called on string primitives: no toJSON lookup
const isView = ArrayBuffer.isView;
const isArray = Array.isArray;
const ownKeys = Object.keys;
const hasOwn = Object.prototype.hasOwnProperty;
const apply = Reflect.apply;
const isFiniteNumber = Number.isFinite;
const bufferFrom = Buffer.from as (s: string, enc: "utf8") => Buffer;
const DataViewCtor = DataView;
const nonce: string | undefined = process.env[RESULT_NONCE_ENV];
delete process.env[RESULT_NONCE_ENV];
let finalSent = false;

const MAX_ENCODE_DEPTH = 32;

/**
 * JSON text of a value without calling anything the student can replace: no toJSON, no replacer, no
 * prototype methods; own enumerable keys only, read with the captured Object.keys. Typed arrays become
 * arrays, NaN/Infinity {"$nonfinite"}, bigint {"$bigint"}; functions, symbols and undefined become null.
 */
function encode(v: unknown, depth: number): string {
  if (v === null || v === undefined) return "null";
  const t = typeof v;
  if (t === "number") return isFiniteNumber(v) ? `${v as number}` : `{"$nonfinite":"${v !== v ? "NaN" : (v as number) > 0 ? "Infinity" : "-Infinity"}"}`;
  if (t === "string") return quoteString(v as string);
  if (t === "boolean") return v ? "true" : "false";
  if (t === "bigint") return `{"$bigint":"${v as bigint}"}`;
  if (t !== "object" || depth > MAX_ENCODE_DEPTH) return "null";
  if (isView(v) && !(v instanceof DataViewCtor)) {
    const a = v as unknown as ArrayLike<number | bigint>;
    let s = "[";
    for (let i = 0; i < a.length; i++) s += (i ? "," : "") + encode(a[i], depth + 1);
    return `${s}]`;
  }
  if (isArray(v)) {
    let s = "[";
    for (let i = 0; i < v.length; i++) s += (i ? "," : "") + encode(v[i], depth + 1);
    return `${s}]`;
  }
  const keys = ownKeys(v as object);
  let s = "{";
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (!apply(hasOwn, v, [k])) continue;
    s += (first ? "" : ",") + quoteString(k) + ":" + encode((v as Record<string, unknown>)[k], depth + 1);
    first = false;
  }
  return `${s}}`;
}

function send(frame: { k: string; key?: string; v: unknown }): void {
  if (nonce === undefined) throw new Error("sandbox-channel: no result channel (not started by grader/run/sandbox.ts?)");
  const body = `{"k":${quoteString(frame.k)},${frame.key === undefined ? "" : `"key":${quoteString(frame.key)},`}"v":${encode(frame.v, 0)},"n":${quoteString(nonce)}}\n`;
  const line = bufferFrom(body, "utf8");
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
