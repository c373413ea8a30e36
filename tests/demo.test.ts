// The README's first command ends in `npm run demo`: it must train the reference models to well above chance,
// release both assignments and grade a reference and a stub submission in the sandbox, as it says it does.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, expect, it } from "vitest";
import { ROOT } from "./notebook-helpers";

let code: number | null = null;
let out = "";

beforeAll(async () => {
  const env = { ...process.env };
  delete env.DLVR_DATASET; // the README's run: the embedded default data
  await new Promise<void>((resolve, reject) => {
    const child = spawn("npm", ["run", "-s", "demo"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (b) => (out += b));
    child.stderr.on("data", (b) => (out += b));
    child.on("error", reject);
    child.on("close", (c) => { code = c; resolve(); });
  });
}, 300_000);

const accuracyOf = (model: string) => Number(new RegExp(`^train\\s+${model}\\s+val [\\d.]+%\\s+test ([\\d.]+)%`, "m").exec(out)?.[1] ?? NaN);

it("exits 0 and ends with its summary line", () => {
  expect(code, out).toBe(0);
  const last = out.trim().split("\n").pop() ?? "";
  expect(last).toMatch(/^summary: test accuracy LinearSVM [\d.]+%, Softmax [\d.]+%, TwoLayerNet [\d.]+%; graded 2: 1001 100\/100, 1002 \d+(\.\d+)?\/100 \([\d.]+ s\)$/);
});

it("trains on the embedded data, each model well above chance (10 classes)", () => {
  expect(out).toMatch(/^data {6}dataset "synthetic" \(the default;/m);
  for (const model of ["LinearSVM", "Softmax"]) expect(accuracyOf(model)).toBeGreaterThan(30);
  expect(accuracyOf("TwoLayerNet")).toBeGreaterThan(60);
  expect(accuracyOf("TwoLayerNet")).toBeGreaterThan(accuracyOf("Softmax"));
});

it("releases both assignments and grades the reference at 100 and the stub far below", () => {
  expect(out).toMatch(/^ {2}summary: 2 released, 0 skipped, 0 failed/m);
  expect(out).toMatch(/^ {2}100\.00\/100 {2}A3 {2}Reference_Student-1001-A3-\S+ {2}graded/m);
  const stub = Number(/^ +([\d.]+)\/100 {2}A3 {2}Stub_Student-1002-A3-\S+ {2}graded/m.exec(out)?.[1] ?? NaN);
  expect(stub).toBeLessThan(20);
  const gradebook = fs.readFileSync(path.join(ROOT, "out", "demo", "graded", "gradebook.csv"), "utf8").trim().split("\n");
  expect(gradebook).toHaveLength(3);
  for (const who of ["Reference_Student-1001", "Stub_Student-1002"]) {
    const dir = fs.readdirSync(path.join(ROOT, "out", "demo", "graded")).find((d) => d.startsWith(who))!;
    expect(fs.readFileSync(path.join(ROOT, "out", "demo", "graded", dir, "feedback.md"), "utf8")).toMatch(/Score/);
  }
});
