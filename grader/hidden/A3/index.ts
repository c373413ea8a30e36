/** A3 grading definition: hidden tests, the runner-side files they need, and A3's policy. */
import * as path from "node:path";
import type { AssignmentGrading } from "../types";
import { A3_TESTS } from "./tests";

export const A3_GRADING: AssignmentGrading = {
  id: "A3",
  tests: A3_TESTS,
  runnerFiles: [path.join(__dirname, "probes.ts"), path.join(__dirname, "inputs.ts")],
  probesModule: path.join(__dirname, "probes.ts"),
  policy: {},
};
