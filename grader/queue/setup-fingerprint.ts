/**
 * The fingerprint of this machine's grading setup for every assignment it has hidden tests for: what the
 * coordinator puts in each job and what a worker compares with its own before grading.
 */
import type { AssignmentContext } from "../assignment-context";
import { GRADED_ASSIGNMENTS } from "../hidden/registry";

/** assignment -> fingerprint, or "unavailable: <why>" when the assignment cannot be graded here. */
export async function setupFingerprints(context: (id: string) => Promise<AssignmentContext>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const id of GRADED_ASSIGNMENTS) {
    try {
      out[id] = (await context(id)).fingerprint;
    } catch (e) {
      out[id] = `unavailable: ${(e as Error).message.split("\n")[0]}`;
    }
  }
  return out;
}

/** Assignments whose fingerprints differ, one "A3 (mine ..., the batch's ...)" each; empty when they all match. */
export function setupDifferences(mine: Record<string, string>, wanted: Record<string, string>): string[] {
  return Object.keys({ ...mine, ...wanted }).sort()
    .filter((id) => mine[id] !== wanted[id])
    .map((id) => `${id} (this worker: ${mine[id] ?? "none"}, the batch: ${wanted[id] ?? "none"})`);
}
