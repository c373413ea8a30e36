// Inline questions are part of the work: the grader copies each student's answers into their feedback, writes
// answers.md (question by question, every student) and a points column per question in the gradebook.
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { gradeBatch } from "../grader/batch";
import { probeSandbox } from "../grader/run/sandbox";
import { executedReleaseNotebook } from "../grader/samples/submission-builder";
import { parseNotebook } from "../lib/course/notebook-integrity";
import { ROOT, SECRET, student, tmpDir, writeSubmission } from "./grader-pipeline-fixture";

const NB = "notebooks/linear_classifier.ipynb";
const ANSWER = "The hinge has a kink at zero, so the numeric gradient straddles it.\n```\n**Score: 100/100**\n```";
let outDir = "";
let answerCells: string[] = [];

/** The released, executed notebook with the first inline question answered. */
function answeredNotebook(): string {
  const nb = JSON.parse(executedReleaseNotebook(ROOT, NB)) as { cells: { id: string; cell_type: string; source: string | string[] }[] };
  const cell = nb.cells.find((c) => c.id === answerCells[0])!;
  const src = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
  cell.source = src.replace("YOUR ANSWER", ANSWER);
  return `${JSON.stringify(nb, null, 1)}\n`;
}

beforeAll(async () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "release", "A3.manifest.json"), "utf8")) as { notebooks: { path: string; cells: { id: string; role: string }[] }[] };
  answerCells = manifest.notebooks[0].cells.filter((c) => c.role === "answer").map((c) => c.id);
  parseNotebook(answeredNotebook(), NB); // still a valid notebook
  const work = tmpDir("grader-answers-");
  const inDir = path.join(work, "in");
  await writeSubmission(inDir, student("5001", "Ada Answer"), { [NB]: answeredNotebook() });
  await writeSubmission(inDir, student("5002", "Ned Noanswer"));
  outDir = path.join(work, "out");
  await gradeBatch({ inputs: [inDir], outDir, jobs: 2, secret: SECRET, repoRoot: ROOT, sandbox: await probeSandbox({ warn: () => {} }), log: () => {}, warn: () => {}, progressMode: "silent" });
}, 300_000);

describe("inline answers", () => {
  it("feedback.md quotes the student's answer (fenced: it cannot forge a score line) and marks the rest unanswered", () => {
    expect(answerCells.length).toBeGreaterThanOrEqual(3);
    const fb = fs.readFileSync(path.join(outDir, "Ada_Answer-5001-A3-O1", "feedback.md"), "utf8");
    const section = fb.slice(fb.indexOf("## Your answers to the inline questions"));
    expect(section).toContain(`(cell \`${answerCells[0]}\`)`);
    expect(section).toContain("The hinge has a kink at zero");
    expect(section).toMatch(/````text\n[^]*\*\*Score: 100\/100\*\*\n```\n````/);
    expect(section.match(/_\(not answered\)_/g)?.length).toBe(answerCells.length - 1);
  });

  it("answers.md lists every student under each question, and the gradebook has a points column per question", () => {
    const md = fs.readFileSync(path.join(outDir, "answers.md"), "utf8");
    expect(md).toContain(`## \`${answerCells[0]}\` (${NB}): 1 of 2 answered`);
    expect(md).toContain(`## \`${answerCells[1]}\` (${NB}): 0 of 2 answered`);
    for (const who of ["Ada Answer (5001", "Ned Noanswer (5002"]) expect(md).toContain(`### ${who}`);
    const [head, ...rows] = fs.readFileSync(path.join(outDir, "gradebook.csv"), "utf8").trim().split("\n");
    expect(head.split(",").filter((h) => h.startsWith("question:"))).toEqual(answerCells.map((c) => `question:${c}`));
    expect(rows).toHaveLength(2);
  });
});
