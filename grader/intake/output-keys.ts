/**
 * Output keys: the folder under --out that holds one submission's results.json and feedback.md.
 *
 * - Never a grader file: a key has no dot and no leading `_` (grader/intake/submission-files.ts outputKey), while
 *   every file the grader writes into the out folder has an extension (gradebook.csv, ...).
 * - Unique: a name that had to be changed to become safe ("Dup Student-7001-A3-O2.zip" -> "Dup_Student-...")
 *   carries `~` and 8 hex digits of its original name's sha256; `~` is never in a safe name, so it cannot meet
 *   an unchanged name. Two inputs that still share a key (the same file name in two folders) both get a hash of
 *   their full path instead.
 * - Stable: a key depends only on the input's own name and path, never on the order of a listing or on which
 *   other zips are in the folder, so a folder graded again (or with a late zip added) keeps its keys.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { outputKey } from "./submission-files";

const hash8 = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 8);

/** The key of one input from its own name alone. */
export function baseKey(input: string): string {
  const base = path.basename(input).replace(/\.zip$/i, "");
  const safe = outputKey(input);
  return safe === base ? safe : `${safe}~${hash8(base)}`;
}

/** Keys for all inputs (absolute paths), in the inputs' order. */
export function assignKeys(inputs: string[]): string[] {
  const keys = inputs.map(baseKey);
  const count = new Map<string, number>();
  for (const k of keys) count.set(k, (count.get(k) ?? 0) + 1);
  return keys.map((k, i) => ((count.get(k) ?? 0) > 1 ? `${outputKey(inputs[i])}~${hash8(path.resolve(inputs[i]))}` : k));
}

/** True for a folder name that could be an output key (used to find every graded submission in an out folder). */
export const looksLikeKey = (name: string): boolean => /^[\p{L}\p{N}][\p{L}\p{N}_-]*(~[0-9a-f]{8})?$/u.test(name);
