// Errors on Deno's kernel as a student meets them through the kit's runner (npm run notebooks:run): Deno answers a
// syntax error with a bare "Execution failed" and no output, so the runner runs the cell once more (the same reply
// also comes, rarely, for a cell that ran: see scripts/run_notebook.py) and then names the parser's message.
import { afterAll, beforeAll, expect, it } from "vitest";
import { DENO_KERNEL_NAME } from "../scripts/deno-kernel-spec";
import { runNotebook, syntaxErrorOf, type ExecutedNotebook } from "../scripts/notebook-runner";
import { makeProjectCopy, writeNotebook } from "./notebook-helpers";

const SOURCE = `
// %% id=ok-1
console.log("one");
// %% id=syntax
const total = (1 + ;
// %% id=after-syntax
console.log("two");
// %% id=throws
throw new RangeError("boom");
// %% id=after-throw
console.log("three");
`;

let copy: ReturnType<typeof makeProjectCopy>;
let run: ExecutedNotebook;
beforeAll(async () => {
  copy = makeProjectCopy();
  run = await runNotebook(writeNotebook(copy.root, "deno_errors_probe", SOURCE), { kernel: DENO_KERNEL_NAME, timeoutSec: 60 });
}, 120_000);
afterAll(() => copy?.cleanup());

const cell = (id: string) => run.cells.find((c) => c.id === id)!;

it("a syntax error is run twice and then reported with the parser's message and position", () => {
  expect(run.fatal).toBeNull();
  expect(cell("syntax").retried).toBe(true);
  expect(cell("syntax").error).toEqual({ ename: "SyntaxError", evalue: "1:20 - Expression expected." });
});

it("a cell's own error is reported as it is, not retried, and later cells run once", () => {
  expect(cell("throws")).toMatchObject({ error: { ename: "RangeError", evalue: "boom" }, retried: false });
  for (const [id, out] of [["ok-1", "one\n"], ["after-syntax", "two\n"], ["after-throw", "three\n"]]) {
    expect(cell(id), id).toMatchObject({ stdout: out, error: null, retried: false });
  }
});

it("the syntax check finds nothing in code that parses (types, top-level await, imports)", () => {
  expect(syntaxErrorOf('import { tensor } from "../lib/tensor";\nconst n: number = await Promise.resolve(1);\nconst s: string = n;')).toBeNull();
  expect(syntaxErrorOf("for (let i = 0; i < 3; i++ {}")).toEqual({ ename: "SyntaxError", evalue: "1:28 - ')' expected." });
});
