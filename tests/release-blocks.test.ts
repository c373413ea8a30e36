// Unit tests of the release building blocks: block/solution parsing, stubs, frozen regions, diffs, imports, schemas.
import { describe, expect, it } from "vitest";
import { blockBody, blockState, frozenRegions, hashBlockBody, hashFrozen, parseBlocks, stripSolutions, BlockError } from "../lib/course/blocks";
import { loadConfig, validateConfig } from "../lib/course/config";
import { unifiedDiff } from "../lib/course/diff";
import { checkImports, findBlockApiUses, findImports, isAllowedImport } from "../lib/course/imports";
import { ROOT } from "./course-fixture";

const B = (id: string, ind = "") => `${ind}// ===================== BEGIN YOUR CODE: ${id} =====================`;
const E = (id: string, ind = "") => `${ind}// ====================== END YOUR CODE: ${id} ======================`;

const SOLUTION = [
  'import { x } from "../lib/tensor";',
  "export function f(): number {",
  "  let v = 0;",
  B("f-block", "  "),
  "  // TODO: set v.",
  "  // BEGIN SOLUTION",
  '  // STUB: throw new Error("TODO: f-block");',
  "  v = x + 1;",
  "  // END SOLUTION",
  E("f-block", "  "),
  "  return v;",
  "}",
  "export function g(): number[] {",
  "  const out: number[] = [];",
  B("g-block", "  "),
  "  // BEGIN SOLUTION",
  "  out.push(1);",
  "  // END SOLUTION",
  E("g-block", "  "),
  "  return out;",
  "}",
].join("\n");

describe("stripSolutions (the stub convention)", () => {
  it("replaces each solution region with its STUB lines, keeping banners, TODO comments and indentation", () => {
    const { text, blockIds } = stripSolutions(SOLUTION, "f.ts");
    expect(blockIds).toEqual(["f-block", "g-block"]);
    expect(text).toContain(`  // TODO: set v.\n  throw new Error("TODO: f-block");\n${E("f-block", "  ")}`);
    expect(text).toContain(`${B("g-block", "  ")}\n${E("g-block", "  ")}`); // no STUB lines: nothing
    expect(text).not.toMatch(/SOLUTION|STUB|x \+ 1|out\.push/);
    expect(text.endsWith("}\n")).toBe(true);
  });

  it("is a fixed point on its own output and ignores CRLF line endings", () => {
    const once = stripSolutions(SOLUTION.replace(/\n/g, "\r\n"), "f.ts").text;
    expect(stripSolutions(once, "f.ts").text).toBe(once);
    expect(once).toBe(stripSolutions(SOLUTION, "f.ts").text);
  });

  it.each([
    ["nested blocks", [B("a"), B("b"), E("b"), E("a")], /3: END banner names "b" but the open block is|2: block "b" begins inside block "a"/],
    ["END with another id", [B("a"), E("b")], /f\.ts:2: END banner names "b" but the open block is "a" \(line 1\)/],
    ["a missing END", [B("a"), "x"], /f\.ts:1: block "a" has no END banner/],
    ["a duplicate id", [B("a"), E("a"), B("a"), E("a")], /f\.ts:3: block id "a" is used twice \(first on line 1\)/],
    ["a damaged banner", ["// ==== BEGIN YOUR CODE: a", E("a")], /f\.ts:1: damaged block banner/],
    ["a solution outside blocks", ["// BEGIN SOLUTION", "// END SOLUTION"], /f\.ts:1: BEGIN SOLUTION outside any designated block/],
    ["an unclosed solution", [B("a"), "// BEGIN SOLUTION", E("a")], /f\.ts:2: BEGIN SOLUTION in block "a" has no END SOLUTION/],
    ["a STUB outside a solution region", [B("a"), "// STUB: x", E("a")], /f\.ts:2: STUB line outside/],
    ["a misspelt marker", [B("a"), "//BEGIN SOLUTION", E("a")], /f\.ts:2: damaged solution marker/],
  ])("reports %s with file and line", (_name, lines, re) => {
    let err: unknown;
    try {
      stripSolutions(lines.join("\n"), "f.ts");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BlockError);
    expect((err as BlockError).problems.join("\n")).toMatch(re);
  });
});

describe("frozen regions and block states", () => {
  const student = stripSolutions(SOLUTION, "f.ts").text;
  const parsed = parseBlocks(student);

  it("splits the file at the blocks, each region keeping the banners that bound it", () => {
    const regions = frozenRegions(parsed);
    expect(regions.map((r) => [r.startLine, r.endLine])).toEqual([[1, 4], [7, 12], [13, 15]]);
    expect(regions[0].lines.at(-1)).toBe(B("f-block", "  "));
    expect(regions[1].lines[0]).toBe(E("f-block", "  "));
  });

  it("hashes frozen text ignoring trailing whitespace, line endings and final blank lines, but not other edits", () => {
    const lines = ["a", "  b", "c"];
    expect(hashFrozen(["a  ", "  b\t", "c", "", ""])).toBe(hashFrozen(lines));
    expect(hashFrozen(["a", "b", "c"])).not.toBe(hashFrozen(lines));
    expect(hashFrozen(["a", "", "  b", "c"])).not.toBe(hashFrozen(lines));
  });

  it("classifies blocks: untouched, todo, comments-only, code", () => {
    const f = parsed.blocks[0];
    const released = hashBlockBody(blockBody(parsed, f));
    expect(blockState(blockBody(parsed, f), released)).toBe("untouched");
    expect(blockState(["  // TODO: set v.", "", '  throw new Error("TODO: f-block");  '], released)).toBe("untouched");
    expect(blockState(["  v = 2;", '  throw new Error("TODO: f-block");'], released)).toBe("todo");
    expect(blockState(["  // I would add one to x", "  /* because ... */"], released)).toBe("comments-only");
    expect(blockState(["  // explained", "  v = x + 1;"], released)).toBe("code");
  });
});

describe("unifiedDiff", () => {
  it("shows changed lines with real line numbers and context", () => {
    const a = ["l1", "l2", "l3", "l4", "l5", "l6"];
    const b = ["l1", "l2", "L3 changed", "l4", "l5", "l6", "added"];
    const d = unifiedDiff(a, b, { aStart: 10, bStart: 10, aLabel: "release", bLabel: "yours" });
    expect(d).toBe(["--- release", "+++ yours", "@@ -10,6 +10,7 @@", " l1", " l2", "-l3", "+L3 changed", " l4", " l5", " l6", "+added"].join("\n"));
    const far = unifiedDiff([...a, "m1", "m2", "m3", "m4", "z"], [...a, "m1", "m2", "m3", "m4", "Z"], { context: 1 });
    expect(far).toBe(["--- expected", "+++ yours", "@@ -10,2 +10,2 @@", " m4", "-z", "+Z"].join("\n"));
    expect(unifiedDiff(a, a.map((l) => `${l}   `))).toBe("");
  });

  it("cuts long diffs", () => {
    const d = unifiedDiff([], Array.from({ length: 100 }, (_, i) => `x${i}`), { maxLines: 10 });
    expect(d.split("\n")).toHaveLength(11);
    expect(d).toMatch(/\.\.\. \(\d+ more diff lines\)$/);
  });
});

describe("allowed imports (TypeScript compiler API)", () => {
  const src = [
    'import { a } from "../lib/tensor";',
    'import type { T } from "../lib/tensor/index";',
    'export { b } from "../lib/tensor/io";',
    'import * as fs from "node:fs";',
    'import cp = require("child_process");',
    'const m = require("../solutions/linear_classifier");',
    'const d = import("os");',
    'let t: typeof import("../grader/x");',
    '// import { fake } from "in-a-comment";',
    'const s = "import x from \'in-a-string\'";',
  ].join("\n");

  it("finds every kind of module reference, not comments or strings", () => {
    expect(findImports(src).map((u) => [u.line, u.kind, u.specifier])).toEqual([
      [1, "import", "../lib/tensor"], [2, "import", "../lib/tensor/index"], [3, "export", "../lib/tensor/io"],
      [4, "import", "node:fs"], [5, "require", "child_process"], [6, "require", "../solutions/linear_classifier"],
      [7, "dynamic-import", "os"], [8, "import-type", "../grader/x"],
    ]);
  });

  it("allows a module and its sub-modules, resolved relative to the student file", () => {
    const allowed = ["../lib/tensor"];
    const from = "student_src/x.ts";
    expect(isAllowedImport("../lib/tensor", from, allowed)).toBe(true);
    expect(isAllowedImport("../lib/tensor/index.ts", from, allowed)).toBe(true);
    expect(isAllowedImport("../lib/tensor/io", from, allowed)).toBe(true);
    expect(isAllowedImport("../lib/tensorflow", from, allowed)).toBe(false);
    expect(isAllowedImport("../lib/tensor/../../solutions/a", from, allowed)).toBe(false);
    expect(isAllowedImport("../lib/data", from, allowed)).toBe(false);
    expect(isAllowedImport("fs", from, ["node:fs"])).toBe(true);
    expect(isAllowedImport("fs/promises", from, ["fs"])).toBe(true);
  });

  it("names the line and the specifier of each violation", () => {
    const v = checkImports(src, "student_src/x.ts", ["../lib/tensor"]);
    expect(v.map((x) => x.specifier)).toEqual(["node:fs", "child_process", "../solutions/linear_classifier", "os", "../grader/x"]);
    expect(v[0].message).toMatch(/^student_src\/x\.ts:4: import of "node:fs" is not allowed \(allowed: "\.\.\/lib\/tensor"\)/);
  });

  it("finds loops in vectorized blocks and forbidden APIs", () => {
    const code = ["function f(xs: number[]) {", "  for (const x of xs) {}", "  xs.forEach((x) => x);", "  const r = relu(xs);",
      "  Math.max(1, 2);", "  t.relu();", "  while (true) {}", "}"].join("\n");
    const found = findBlockApiUses(code, "f.ts", [
      { id: "v", startLine: 2, endLine: 6, vectorized: true, forbiddenApis: ["relu", "Math.max"] },
    ]);
    expect(found.map((f) => f.line)).toEqual([2, 3, 4, 5, 6]);
    expect(found.map((f) => f.message)).toEqual([
      'block "v" must be vectorized, but has a for...of loop',
      'block "v" must be vectorized, but loops with .forEach()',
      'block "v" must not use relu',
      'block "v" must not use Math.max',
      'block "v" must not use relu',
    ]);
  });
});

describe("assignment configs", () => {
  const good = {
    id: "A3", title: "t", modules: [{ solution: "solutions/a.ts", student: "student_src/a.ts", allowedImports: ["../lib/tensor"] }],
    notebooks: ["notebooks/a.ipynb"], blocks: { "a-b": { points: 1 } }, requiredFiles: ["m.json"], publicTests: ["tests/public/a.test.ts"],
  };

  it("accepts a valid config", () => {
    expect(validateConfig(good, "A3")).toEqual([]);
  });

  it("names the field of every error", () => {
    const bad = {
      ...good,
      extra: 1,
      modules: [{ solution: "src/a.ts", allowedImports: "x" }],
      blocks: { "Bad_Id": { points: -1, vectorised: true } },
      requiredFiles: ["../up.json"],
    };
    const errors = validateConfig(bad, "A3");
    expect(errors).toEqual(expect.arrayContaining([
      "extra: unknown field (check the spelling)",
      "modules[0].student: missing (required)",
      'modules[0].solution: must match pattern "^solutions/[^/]+\\.ts$"',
      "modules[0].allowedImports: must be array",
      'blocks: invalid key "Bad_Id"',
      "blocks.Bad_Id.points: must be >= 0",
      "blocks.Bad_Id.vectorised: unknown field (check the spelling)",
    ]));
    expect(errors.some((e) => e.startsWith("requiredFiles[0]: must match pattern"))).toBe(true);
  });

  it("checks what the schema cannot: file name vs id, duplicates, outputs vs sources", () => {
    expect(validateConfig({ ...good, requiredFiles: ["m.json", "m.json", "student_src/a.ts"] }, "A4")).toEqual([
      'id: "A3" does not match the file name (A4.json)',
      'requiredFiles: "m.json" is listed twice',
      'requiredFiles[2]: "student_src/a.ts" must be an output the notebook writes (e.g. svm_best_model.json), not a source file',
    ]);
  });

  it("the committed A3 and A4 configs are valid", () => {
    expect(loadConfig(ROOT, "A3").modules[0].solution).toBe("solutions/linear_classifier.ts");
    expect(Object.keys(loadConfig(ROOT, "A4").blocks)).toContain("nn-forward");
  });
});
