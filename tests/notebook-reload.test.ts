// Reload without restart: re-importing a student file after it changed picks up the change
// (this is what the setup_check notebook promises students). Also: folder imports (index.ts), which
// plain tslab compiles but cannot load; scripts/tslab-folder-imports.cjs makes them work.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runNotebook, type ExecutedNotebook } from "../scripts/notebook-runner";
import { makeProjectCopy, writeNotebook } from "./notebook-helpers";

const SOURCE = `
// %% id=first-import
import { probeValue } from "./student_src/reload_probe";
console.log("before:", probeValue());
// %% id=edit
import * as fs from "fs";
fs.writeFileSync("student_src/reload_probe.ts", 'export function probeValue(): string { return "edited"; }\\n');
console.log("rewrote in", process.cwd());
// %% id=second-import
import { probeValue as probeValue2 } from "./student_src/reload_probe";
console.log("after:", probeValue2());
// %% id=rerun-first
import { probeValue } from "./student_src/reload_probe";
console.log("rerun:", probeValue());
// %% id=folder-import
import { folderValue } from "./student_src/probe_folder";
import { viaFolder } from "./student_src/uses_folder";
console.log("folder:", folderValue, viaFolder);
`;

let copy: ReturnType<typeof makeProjectCopy>;
let run: ExecutedNotebook;
beforeAll(async () => {
  copy = makeProjectCopy();
  const src = path.join(copy.root, "student_src");
  fs.writeFileSync(path.join(src, "reload_probe.ts"), 'export function probeValue(): string { return "original"; }\n');
  fs.mkdirSync(path.join(src, "probe_folder"));
  fs.writeFileSync(path.join(src, "probe_folder", "index.ts"), 'export { folderValue } from "./inner";\n');
  fs.writeFileSync(path.join(src, "probe_folder", "inner.ts"), "export const folderValue = 41;\n");
  fs.writeFileSync(path.join(src, "uses_folder.ts"), 'import { folderValue } from "./probe_folder";\nexport const viaFolder = folderValue + 1;\n');
  // Run from the copy's notebooks/ folder, as Jupyter would: the launcher must find the copy's root.
  run = await runNotebook(writeNotebook(copy.root, "reload_probe", SOURCE), { timeoutSec: 60 });
});
afterAll(() => copy?.cleanup());

const cell = (id: string) => run.cells.find((c) => c.id === id)!;

it("runs the kernel in the temp project's root", () => {
  expect(run.fatal).toBeNull();
  expect(run.cells.map((c) => c.error)).toEqual([null, null, null, null, null]);
  expect(cell("edit").stdout).toBe(`rewrote in ${fs.realpathSync(copy.root)}\n`);
  expect(fs.readFileSync(path.join(copy.root, "student_src", "reload_probe.ts"), "utf8")).toContain("edited");
});

it("a new import cell sees the edited file without a kernel restart", () => {
  expect(cell("first-import").stdout).toBe("before: original\n");
  expect(cell("second-import").stdout).toBe("after: edited\n");
});

it("re-running the original import cell also reloads", () => {
  expect(cell("rerun-first").stdout).toBe("rerun: edited\n");
});

it("imports a folder's index.ts, from a cell and from another module", () => {
  expect(cell("folder-import").stdout).toBe("folder: 41 42\n");
});
