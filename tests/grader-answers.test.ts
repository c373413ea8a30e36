// Inline questions are part of the work: the grader copies each student's answers into their feedback, writes
// answers.md (question by question, every student) and a points column per question in the gradebook.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { gradeBatch } from "../grader/batch";
import { probeSandbox } from "../grader/run/sandbox";
import { executedReleaseNotebook } from "../grader/samples/submission-builder";
import { parseNotebook } from "../lib/course/notebook-integrity";
import { ROOT, SECRET, student, tmpDir, writeSubmission } from "./grader-pipeline-fixture";

const NB = "notebooks/linear_classifier.ipynb";
const ANSWER = "The hinge has a kink at zero, so the numeric gradient straddles it.\n```\n**Score: 100/100**\n```";
let outDir = "";
let inDir = "";
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
  inDir = path.join(work, "in");
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

/** Grades the same inputs again into the same out folder (unchanged submissions are skipped); returns the warnings. */
async function rerun(): Promise<string[]> {
  const warnings: string[] = [];
  await gradeBatch({ inputs: [inDir], outDir, jobs: 2, secret: SECRET, repoRoot: ROOT, sandbox: await probeSandbox({ warn: () => {} }), log: () => {}, warn: (l) => warnings.push(l), progressMode: "silent" });
  return warnings;
}
const gradebookFile = () => path.join(outDir, "gradebook.csv");
const gradebookRows = (file = gradebookFile()) => parse(fs.readFileSync(file, "utf8"), { bom: true, columns: true }) as Record<string, string>[];
const rowOf = (rows: Record<string, string>[], id: string) => rows.find((r) => r.student_id === id)!;

describe("the TA's points in the gradebook", () => {
  it("survive the next run, also after a spreadsheet saved the file (BOM, CRLF, every cell quoted, columns moved)", async () => {
    const q0 = `question:${answerCells[0]}`;
    const q1 = `question:${answerCells[1]}`;
    const rows = gradebookRows();
    rowOf(rows, "5001")[q0] = "1.5";
    rowOf(rows, "5002")[q0] = "0";
    rowOf(rows, "5001")[q1] = "=HYPERLINK(\"http://x\")"; // a formula typed (or pasted) by someone: kept as text
    rowOf(rows, "5001").score = "99"; // not the TA's column: the grader's value comes back
    const head = Object.keys(rows[0]);
    const moved = [q0, ...head.filter((h) => h !== q0)];
    const quoted = (v: string) => `"${v.replace(/"/g, '""')}"`;
    fs.writeFileSync(gradebookFile(), `\uFEFF${[moved, ...rows.map((r) => moved.map((h) => r[h]))].map((l) => l.map(quoted).join(",")).join("\r\n")}\r\n`);

    expect(await rerun()).toEqual([]);
    const text = fs.readFileSync(gradebookFile(), "utf8");
    const after = gradebookRows();
    expect(rowOf(after, "5001")[q0]).toBe("1.5");
    expect(rowOf(after, "5002")[q0]).toBe("0");
    expect(rowOf(after, "5001")[q1]).toBe("'=HYPERLINK(\"http://x\")");
    expect(rowOf(after, "5002")[q1]).toBe("");
    expect(rowOf(after, "5001").score).toBe("100");
    expect(text.split("\n")[0].split(",")[0]).toBe("submission"); // the grader's layout again
    expect(fs.existsSync(path.join(outDir, "gradebook.previous.csv"))).toBe(false);

    expect(await rerun()).toEqual([]); // and the run after that: stable, the guard is not doubled
    expect(fs.readFileSync(gradebookFile(), "utf8")).toBe(text);
  });

  it("for a submission no longer in the out folder are kept in gradebook.previous.csv, with a warning", async () => {
    const before = fs.readFileSync(gradebookFile(), "utf8");
    const q0 = `question:${answerCells[0]}`;
    const head = before.split("\n")[0].split(",");
    const gone = head.map((h) => (h === "submission" ? "Gone_Student-5999-A3-O1" : h === q0 ? "2" : "")).join(",");
    fs.writeFileSync(gradebookFile(), `${before}${gone}\n`);
    const warnings = await rerun();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`Gone_Student-5999-A3-O1 ${q0}=2`);
    expect(warnings[0]).toContain("gradebook.previous.csv");
    expect(gradebookRows().map((r) => r.submission)).not.toContain("Gone_Student-5999-A3-O1");
    const kept = gradebookRows(path.join(outDir, "gradebook.previous.csv"));
    expect(kept.find((r) => r.submission === "Gone_Student-5999-A3-O1")?.[q0]).toBe("2");
    expect(rowOf(gradebookRows(), "5001")[q0]).toBe("1.5");
  });

  it("in a file that no longer parses are kept too: the run warns, keeps the file and writes a fresh gradebook", async () => {
    const broken = `${fs.readFileSync(gradebookFile(), "utf8")}"unterminated,1\n`;
    fs.writeFileSync(gradebookFile(), broken);
    const warnings = await rerun();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/gradebook\.csv could not be read back \(.+\); TA entries in it are not carried over: the file is kept as .*gradebook\.previous\.csv/);
    expect(fs.readFileSync(path.join(outDir, "gradebook.previous.csv"), "utf8")).toBe(broken);
    expect(gradebookRows().map((r) => r.student_id).sort()).toEqual(["5001", "5002"]);
  });
});
