/** A4 grading definition: hidden tests, the runner-side files they need, and A4's policy. */
import * as path from "node:path";
import type { AssignmentGrading } from "../types";
import { A4_TESTS } from "./tests";

export const A4_GRADING: AssignmentGrading = {
  id: "A4",
  tests: A4_TESTS,
  runnerFiles: [path.join(__dirname, "probes.ts"), path.join(__dirname, "inputs.ts")],
  probesModule: path.join(__dirname, "probes.ts"),
  policy: {},
};
