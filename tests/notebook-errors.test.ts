// A failing cell must not silence the rest of the notebook (plain tslab drops requests that arrive within 200 ms of a
// failure; the kit's kernel honours stop_on_error=False, which nbclient sends with allow_errors, and
// run_notebook.py does not pause), errors carry their name and message, and a runaway cell is interrupted.
import { afterAll, beforeAll, expect, it } from "vitest";
import { runNotebook, type ExecutedNotebook } from "../scripts/notebook-runner";
import { makeProjectCopy, writeNotebook } from "./notebook-helpers";

const SOURCE = `
// %% id=ok-1
console.log("one");
// %% id=throws
throw new RangeError("boom");
// %% id=after-throw
console.log("two");
// %% id=type-error
const n: number = "not a number";
// %% id=after-type-error
console.log("three");
2 + 3
// %% id=spins
while (true) {}
// %% id=after-timeout
import * as tslab from "tslab";
console.log("four");
tslab.display.html("<b>still alive</b>");
`;
const TIMEOUT_SEC = 4;

let copy: ReturnType<typeof makeProjectCopy>;
let run: ExecutedNotebook;
beforeAll(async () => {
  copy = makeProjectCopy();
  run = await runNotebook(writeNotebook(copy.root, "errors_probe", SOURCE), { timeoutSec: TIMEOUT_SEC });
});
afterAll(() => copy?.cleanup());

const cell = (id: string) => run.cells.find((c) => c.id === id)!;

it("reports runtime and type errors per cell", () => {
  expect(run.fatal).toBeNull();
  expect(cell("throws").error).toEqual({ ename: "RangeError", evalue: "boom" });
  expect(cell("throws").traceback).toMatch(/RangeError: boom\n\s+at evalmachine/);
  expect(cell("throws").traceback).not.toMatch(/tslab-kernel-patches|node_modules\/tslab/);
  expect(cell("throws").stderr).toBe(""); // the error is an error output now, not stderr text
  expect(cell("type-error").error?.ename).toBe("CompileError");
  expect(cell("type-error").error?.evalue).toMatch(/Type 'string' is not assignable to type 'number'/);
});

it("cells after a failure still run and produce output", () => {
  expect(cell("ok-1").stdout).toBe("one\n");
  expect(cell("after-throw")).toMatchObject({ stdout: "two\n", error: null });
  // tslab prints a cell's last expression value to stdout
  expect(cell("after-type-error")).toMatchObject({ stdout: "three\n5\n", error: null });
});

it("interrupts a cell that exceeds the timeout and the kernel survives", () => {
  expect(cell("spins").error?.ename).toBe("Timeout");
  expect(cell("spins").seconds).toBeGreaterThanOrEqual(TIMEOUT_SEC - 0.5);
  expect(cell("after-timeout")).toMatchObject({ stdout: "four\n", html: "<b>still alive</b>", error: null });
});
