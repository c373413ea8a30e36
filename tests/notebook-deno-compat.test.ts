// Deno's kernel runs cells without type-checking them, with its own TypeScript (6.x) and the project's deno.json
// (sloppy imports, node_modules as is). `deno check` with that configuration catches what would only break there,
// without Jupyter, and offline: the npm registry is pointed at a closed local port.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, expect, it } from "vitest";
import { makeProjectCopy, ROOT } from "./notebook-helpers";

/** What notebooks import: the library entry points and the student (or solution) modules. */
const NOTEBOOK_IMPORTS = [
  "lib/tensor/index.ts", "lib/data/index.ts", "lib/viz/index.ts", "lib/kernel.ts", "lib/gradcheck.ts", "lib/features.ts",
  "lib/lecture.ts", "lib/course/notebook-submit.ts",
  ...["solutions", "student_src"].flatMap((d) => fs.readdirSync(path.join(ROOT, d)).filter((f) => f.endsWith(".ts")).map((f) => `${d}/${f}`)),
];

function denoCheck(cwd: string, files: string[]) {
  const env = { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", NPM_CONFIG_REGISTRY: "http://127.0.0.1:9/" };
  return spawnSync(path.join(ROOT, "node_modules", ".bin", "deno"), ["check", ...files], { cwd, env, encoding: "utf8" });
}

const copy = makeProjectCopy();
afterAll(() => copy.cleanup());

it("everything the notebooks import type-checks under Deno with the project's deno.json", () => {
  const r = denoCheck(ROOT, NOTEBOOK_IMPORTS);
  expect(r.stderr.split("\n").filter((l) => /error|TS\d+/.test(l))).toEqual([]);
  expect(r.status).toBe(0);
}, 120_000);

it("and a type error there would be reported (extensionless imports resolve through sloppy imports)", () => {
  fs.writeFileSync(path.join(copy.root, "student_src", "broken.ts"), 'import { tensor } from "../lib/tensor";\nexport const n: number = tensor([1]);\n');
  const r = denoCheck(copy.root, ["student_src/broken.ts"]);
  expect(r.status).not.toBe(0);
  expect(r.stderr).toMatch(/TS2322.*Tensor.*not assignable to type 'number'/s);
}, 120_000);
