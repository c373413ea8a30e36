// Shared by tests/grader-pipeline*.test.ts: A3 submissions assembled from the reference solution (solved,
// stubbed, with planted bugs, hostile), packed by lib/course's packSubmission like `npm run submit` does.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadManifestSource, type ManifestSource } from "../grader/integrity/manifest-source";
import { a3ReferenceModels, type A3Models } from "../grader/samples/reference-models";
import { buildSubmissionZip, replaceInBlock, solvedModuleText, stubModuleText } from "../grader/samples/submission-builder";
import type { StudentInfo } from "../lib/course/student-info";

export const ROOT = path.resolve(__dirname, "..");
process.env.TENSOR_QUIET ??= "1";
export const MODULE = "student_src/linear_classifier.ts";
export const SECRET = "grader-test-secret";
export const CACHE = path.join(os.tmpdir(), "dlvr-grader-cache");

export interface A3Fixture {
  source: ManifestSource;
  models: A3Models;
  solved: string;
  stub: string;
}

let fixture: A3Fixture | null = null;
export function a3Fixture(): A3Fixture {
  if (fixture) return fixture;
  const solution = fs.readFileSync(path.join(ROOT, "solutions", "linear_classifier.ts"), "utf8");
  fixture = {
    source: loadManifestSource(ROOT, "A3"),
    models: a3ReferenceModels(ROOT, CACHE),
    solved: solvedModuleText(solution),
    stub: stubModuleText(solution, "solutions/linear_classifier.ts"),
  };
  return fixture;
}

export function tmpDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(d, 0o755);
  return d;
}

/** Writes a submission zip into dir (files override the solved module / models) and returns its path. */
export async function writeSubmission(
  dir: string, student: StudentInfo, files: Record<string, string | Buffer> = {}, withModels = true, opts: { submittedAt?: string } = {},
): Promise<string> {
  const f = a3Fixture();
  const z = await buildSubmissionZip(ROOT, f.source, { ...(withModels ? f.models : {}), ...files }, student, opts);
  const file = path.join(dir, z.fileName);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, z.zip);
  return file;
}

export const student = (id: string, name = `Student ${id}`): StudentInfo => ({ name, id, option: 1 });

/** The solved module with the given (block, from, to) replacements. */
export function bugged(...changes: [string, string | RegExp, string][]): string {
  let text = a3Fixture().solved;
  for (const [block, from, to] of changes) text = replaceInBlock(text, block, from, to);
  return text;
}

export const BUGS = {
  regGradHalf: ["svm-naive-reg-grad", "dW.add_(W, 2 * reg);", "dW.add_(W, reg);"],
  missingOneOverN: ["svm-vectorized-grad", ".div_(numTrain)", ""],
  unstableNaiveSoftmax: ["softmax-naive", "Math.exp(scores.at(j) - maxScore)", "Math.exp(scores.at(j))"],
  halfRegSoftmax: ["softmax-vectorized", "+ reg * sumSquares(W)", "+ 0.5 * reg * sumSquares(W)"],
  marginNotZeroed: ["svm-vectorized-loss", "margins.scatter_(1, y, 0);", ""],
} satisfies Record<string, [string, string, string]>;
