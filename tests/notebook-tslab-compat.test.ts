// Notebooks compile imported files with tslab's own TypeScript (5.0.4) and options, which ignore
// tsconfig.json: no strictNullChecks, so e.g. `if (!r.backend) r.reason` on a union does not narrow.
// Code that passes `tsc` (strict, TS 5.9) can still fail in a notebook; this catches it without Jupyter.
import * as fs from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";
import { ROOT } from "./notebook-helpers";

// tslab's bundled compiler; CommonJS, typed loosely on purpose (it is tslab's private dependency).
const ts = require("@tslab/typescript-for-tslab") as typeof import("typescript");

/** Mirrors createConverter() in node_modules/tslab/dist/converter.js (Node >= 16 -> ES2022). */
const TSLAB_OPTIONS: import("typescript").CompilerOptions = {
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  esModuleInterop: true,
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2022.d.ts"],
  declaration: true,
  experimentalDecorators: true,
  resolveJsonModule: true,
  allowJs: true,
  checkJs: true,
  skipLibCheck: true,
  noEmit: true,
};

/** What notebooks import: library code and the student (or solution) modules. */
function notebookImportable(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      // lib/wasm/assembly is AssemblyScript compiled to WebAssembly (excluded in tsconfig.json too), never imported.
      if (e.isDirectory() && e.name !== "node_modules" && e.name !== "assembly" && !e.name.startsWith(".")) walk(p);
      else if (e.isFile() && p.endsWith(".ts") && !p.endsWith(".test.ts")) files.push(p);
    }
  };
  for (const d of ["lib", "student_src", "solutions"]) if (fs.existsSync(path.join(ROOT, d))) walk(path.join(ROOT, d));
  return files;
}

it("lib, student_src and solutions compile under tslab's compiler settings", () => {
  const program = ts.createProgram(notebookImportable(), TSLAB_OPTIONS);
  const problems = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined
      ? `${path.relative(ROOT, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: `
      : "";
    return where + ts.flattenDiagnosticMessageText(d.messageText, " ");
  });
  expect(problems, problems.join("\n")).toEqual([]);
});

