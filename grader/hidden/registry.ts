/**
 * Assignments the grader has hidden tests for. Loaded lazily (each definition imports its solutions), and checked
 * against the assignment config: every block has tests and their points add up to the block's points.
 */
import type { AssignmentConfig } from "../../lib/course/config";
import type { AssignmentGrading } from "./types";

const LOADERS: Record<string, () => Promise<AssignmentGrading>> = {
  A3: async () => (await import("./A3")).A3_GRADING,
  A4: async () => (await import("./A4")).A4_GRADING,
};

export const GRADED_ASSIGNMENTS = Object.keys(LOADERS);

export async function loadGrading(id: string): Promise<AssignmentGrading> {
  const load = LOADERS[id];
  if (!load) throw new Error(`no hidden tests for assignment ${id} (known: ${GRADED_ASSIGNMENTS.join(", ")})`);
  return load();
}

/** Problems with a grading definition (empty when consistent with the config and its probes). */
export function checkGrading(g: AssignmentGrading, config: AssignmentConfig, probeNames: string[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const t of g.tests) {
    if (names.has(t.name)) problems.push(`test ${t.name} is defined twice`);
    names.add(t.name);
    if (!(t.block in config.blocks)) problems.push(`test ${t.name}: block "${t.block}" is not in grader/assignments/${config.id}.json`);
    if (t.kind === "probe" && !probeNames.includes(t.name)) problems.push(`test ${t.name} has no probe`);
  }
  for (const [id, b] of Object.entries(config.blocks)) {
    const sum = g.tests.filter((t) => t.block === id).reduce((a, t) => a + t.points, 0);
    if (Math.abs(sum - b.points) > 1e-9) problems.push(`block "${id}": tests carry ${sum} points, the config gives it ${b.points}`);
  }
  return problems;
}
