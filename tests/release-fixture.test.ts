// Releasing the toy assignment A1 (tests/fixtures/course) in a temp project: student module, notebook, manifest,
// bundle folder and zip, idempotence, --check, and the self-test (tsc + public tests on stubs and solutions).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../lib/course/config";
import { findReleasedManifestText, manifestHistoryRelPath, validateManifest, type ReleaseManifest } from "../lib/course/manifest";
import { readZip } from "../lib/course/package-zip";
import { checkRelease, generateRelease, ReleaseError, verifyStubsCompile } from "../lib/course/release-assignment";
import { selfTest } from "../lib/course/self-test";
import { sha256 } from "../lib/course/text";
import { cleanupTmp, makeCourseProject, releaseFixture, ROOT, type Released } from "./course-fixture";

let rel: Released;
let manifest: ReleaseManifest;
beforeAll(async () => {
  rel = await releaseFixture(makeCourseProject());
  manifest = rel.gen.manifest!;
});
afterAll(cleanupTmp);

const read = (p: string) => fs.readFileSync(path.join(rel.root, p), "utf8");

describe("student files", () => {
  it("writes student_src/toy.ts with stubs instead of solutions", () => {
    const text = read("student_src/toy.ts");
    expect(text).toContain('  // TODO: the sum of the squares of xs, without loops, into `total`.\n  throw new Error("TODO: toy-sum");\n');
    expect(text).not.toMatch(/SOLUTION|STUB|dot\(xs, xs\)|out\.push/);
  });

  it("strips the notebook: no outputs, no solutions, stub in the code block, YOUR ANSWER left empty", () => {
    const nb = JSON.parse(fs.readFileSync(path.join(rel.bundleDir, "notebooks", "toy.ipynb"), "utf8"));
    const src = (id: string) => nb.cells.find((c: { id: string }) => c.id === id).source.join("");
    expect(src("toy-params")).toContain("// TODO: choose the threshold.\nconst threshold = 0;\n// ====");
    expect(src("toy-question")).toBe("**Question:** why is the threshold a hyperparameter?\n\n**YOUR ANSWER:**");
    for (const c of nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code")) {
      expect(c.outputs).toEqual([]);
      expect(c.execution_count).toBeNull();
    }
  });

  it("writes a schema-valid manifest with blocks, frozen hashes, cell roles, imports and required files", () => {
    expect(validateManifest(JSON.parse(read("release/A1.manifest.json")))).toEqual([]);
    expect(manifest.modules[0]).toMatchObject({ path: "student_src/toy.ts", allowedImports: ["../lib/tensor"] });
    expect(manifest.modules[0].blocks.map((b) => b.id)).toEqual(["toy-sum", "toy-predict"]);
    expect(manifest.modules[0].frozen).toHaveLength(3);
    expect(manifest.notebooks[0].cells.map((c) => `${c.id}:${c.role}`)).toEqual([
      "toy-intro:frozen", "toy-imports:frozen", "toy-check:frozen", "toy-params:block", "toy-save:frozen",
      "toy-question:answer", "toy-outro:frozen", "toy-submit:submit",
    ]);
    expect(manifest.blocks["toy-params"]).toEqual({ file: "notebooks/toy.ipynb", points: 2, vectorized: false, forbiddenApis: [] });
    expect(manifest.requiredFiles).toEqual(["toy_model.json"]);
    expect(manifest.submissionFileName).toBe("{name}-{id}-A1-O{option}.zip");
  });
});

describe("bundle", () => {
  it("the zip holds what a student needs and nothing they must not see", async () => {
    const names = (await readZip(fs.readFileSync(rel.zipPath))).map((e) => e.path);
    expect(names.every((n) => n.startsWith("A1/"))).toBe(true);
    const files = names.map((n) => n.slice(3));
    expect(files).toEqual([...files].sort());
    expect(files).toEqual(expect.arrayContaining([
      "README.md", "package.json", "package-lock.json", "tsconfig.json", "vitest.config.ts", "lib/tensor/index.ts",
      "student_src/toy.ts", "notebooks/toy.ipynb", "notebooks/setup_check.ipynb", "tests/public/toy.test.ts",
      "release/A1.manifest.json", "scripts/setup.sh", "scripts/install-kernel.ts", "scripts/tslab-kernel.sh",
      "scripts/notebook-runner.ts", "scripts/run_notebook.py", "scripts/submit.ts", "scripts/check.ts",
      "lib/course/submission.ts", "lib/course/notebook-submit.ts",
    ]));
    for (const f of files) {
      expect(f).not.toMatch(/^(solutions|grader|notebooks\/src|out|\.ci|\.jupyter)\/|^tests\/(?!public\/)|node_modules/);
    }
    expect(files).not.toContain("scripts/release.ts");
    expect(files).not.toContain("lib/course/release-assignment.ts");
  });

  it("the folder matches the zip, scripts keep their executable bit, package.json only runs bundled scripts", async () => {
    const entries = await readZip(fs.readFileSync(rel.zipPath));
    for (const e of entries) expect(fs.readFileSync(path.join(rel.bundleDir, e.path.slice(3)))).toEqual(e.data);
    expect(entries.find((e) => e.path === "A1/scripts/setup.sh")!.mode).toBe(0o755);
    expect(entries.find((e) => e.path === "A1/README.md")!.mode).toBe(0o644);
    const pkg = JSON.parse(fs.readFileSync(path.join(rel.bundleDir, "package.json"), "utf8"));
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(["test", "setup", "notebook", "submit", "check"]));
    expect(pkg.scripts.release).toBeUndefined();
    expect(pkg.scripts["notebooks:build"]).toBeUndefined();
  });

  it("the student README lists blocks, points, files and the submit command", () => {
    const readme = fs.readFileSync(path.join(rel.bundleDir, "README.md"), "utf8");
    expect(readme).toContain("# A1: Toy assignment");
    expect(readme).toContain("| `toy-sum` | `student_src/toy.ts` | 5 | no loops |");
    expect(readme).toContain("| `toy-predict` | `student_src/toy.ts` | 3 | no `Math.round` |");
    expect(readme).toContain("| **total** | | **10** | |");
    expect(readme).toContain('npm run submit -- --name "Your Name" --id 20231234 --option 1');
  });

  it("refuses to bundle a leak", async () => {
    const { bundleEntries } = await import("../lib/course/bundle");
    const leaky = path.join(rel.root, "lib", "tensor", "leak.ts");
    fs.writeFileSync(leaky, "export const x = 1;\n  // BEGIN SOLUTION\n");
    try {
      const config = loadConfig(rel.root, "A1");
      expect(() => bundleEntries(rel.root, config, generateRelease(rel.root, config))).toThrow(/lib\/tensor\/leak\.ts contains a solution marker line/);
    } finally {
      fs.rmSync(leaky);
    }
  });
});

describe("idempotence and --check", () => {
  it("releasing twice gives identical bytes (zip, folder, student files, manifest)", async () => {
    const zip1 = fs.readFileSync(rel.zipPath);
    const mod1 = read("student_src/toy.ts");
    const man1 = read("release/A1.manifest.json");
    await new Promise((r) => setTimeout(r, 1100)); // a different wall-clock second must not matter
    const again = await releaseFixture(rel.root);
    expect(fs.readFileSync(again.zipPath).equals(zip1)).toBe(true);
    expect(read("student_src/toy.ts")).toBe(mod1);
    expect(read("release/A1.manifest.json")).toBe(man1);
  });

  it("--check passes on a fresh release and names a stale student file", () => {
    const cli = (args: string[]) => spawnSync(process.execPath, [path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), path.join(rel.root, "scripts", "release.ts"), ...args], { encoding: "utf8", cwd: rel.root });
    const ok = cli(["--all", "--check"]);
    expect(ok.stdout).toContain("A1   ok        student_src/toy.ts matches a fresh release");
    expect(ok.stdout).toMatch(/summary: 1 up to date, 0 skipped, 0 failed/);
    expect(ok.status).toBe(0);
    const file = path.join(rel.root, "student_src", "toy.ts");
    const orig = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, orig.replace("return total;", "return total + 0;"));
    try {
      const bad = cli(["A1", "--check"]);
      expect(bad.stdout).toContain("A1   STALE     student_src/toy.ts differs from a fresh release: run npm run release -- A1");
      expect(bad.status).toBe(1);
    } finally {
      fs.writeFileSync(file, orig);
    }
    expect(checkRelease(rel.root, generateRelease(rel.root, loadConfig(rel.root, "A1"))).map((f) => f.status)).toEqual(["unchanged", "unchanged", "unchanged"]);
    // A notebook source edited without rebuilding: --check fails; a release rebuilds it.
    const src = path.join(rel.root, "notebooks", "src", "toy.ts");
    const nbFile = path.join(rel.root, "notebooks", "toy.ipynb");
    const srcText = fs.readFileSync(src, "utf8");
    const nbText = fs.readFileSync(nbFile, "utf8");
    fs.writeFileSync(src, srcText.replace("// %% [markdown] id=toy-outro", "// %% [markdown] id=toy-outro\n// One more line."));
    try {
      const stale = cli(["A1", "--check"]);
      expect(stale.stdout).toContain("nb   STALE     notebooks/toy.ipynb differs from a fresh build of notebooks/src");
      expect(stale.status).toBe(1);
      expect(fs.readFileSync(nbFile, "utf8")).toBe(nbText);
      const built = cli(["A1", "--no-bundle"]);
      expect(built.stdout).toContain("nb   built     notebooks/toy.ipynb from notebooks/src");
      expect(fs.readFileSync(nbFile, "utf8")).toContain("One more line.");
    } finally {
      fs.writeFileSync(src, srcText);
      fs.writeFileSync(nbFile, nbText);
      cli(["A1", "--no-bundle"]); // the manifest back to the original notebook
    }
  });

  it("keeps every released manifest in release/history/, found by the hash a submission records", () => {
    const text = fs.readFileSync(path.join(rel.root, "release", "A1.manifest.json"), "utf8");
    const hist = path.join(rel.root, manifestHistoryRelPath("A1", text));
    expect(fs.readFileSync(hist, "utf8")).toBe(text);
    // An errata re-release replaces release/A1.manifest.json; the earlier manifest stays findable.
    fs.writeFileSync(path.join(rel.root, "release", "A1.manifest.json"), text.replace('"title": "', '"title": "Errata: '));
    try {
      expect(findReleasedManifestText(rel.root, "A1", sha256(text))).toBe(text);
      expect(findReleasedManifestText(rel.root, "A1", sha256("something else"))).toBeNull();
    } finally {
      fs.writeFileSync(path.join(rel.root, "release", "A1.manifest.json"), text);
    }
  });

  it("--all skips an assignment whose solution does not exist yet", () => {
    const cfg = path.join(rel.root, "grader", "assignments", "A9.json");
    const a1 = JSON.parse(fs.readFileSync(path.join(rel.root, "grader", "assignments", "A1.json"), "utf8"));
    fs.writeFileSync(cfg, JSON.stringify({ ...a1, id: "A9", modules: [{ ...a1.modules[0], solution: "solutions/later.ts", student: "student_src/later.ts" }] }));
    try {
      const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), path.join(rel.root, "scripts", "release.ts"), "--all", "--check"], { encoding: "utf8", cwd: rel.root });
      expect(r.stdout).toContain("A9   skipped   solutions/later.ts does not exist yet (write the solution module to release A9)");
      expect(r.stdout).toMatch(/summary: 1 up to date, 1 skipped, 0 failed/);
    } finally {
      fs.rmSync(cfg);
    }
  });
});

describe("release errors", () => {
  it("reports blocks missing from the config and config blocks missing from the solutions", () => {
    const config = loadConfig(rel.root, "A1");
    delete (config.blocks as Record<string, unknown>)["toy-sum"];
    config.blocks["toy-gone"] = { points: 1 };
    let err: ReleaseError | undefined;
    try {
      generateRelease(rel.root, config);
    } catch (e) {
      err = e as ReleaseError;
    }
    expect(err?.problems).toEqual([
      'block "toy-sum" (student_src/toy.ts) is not listed under "blocks" in grader/assignments/A1.json',
      'grader/assignments/A1.json lists block "toy-gone", which no solution module or notebook contains',
    ]);
  });

  it("refuses stubs that do not compile, before writing anything", () => {
    const sol = path.join(rel.root, "solutions", "toy.ts");
    const orig = fs.readFileSync(sol, "utf8");
    // A throw stub makes the frozen code after it unreachable, where TypeScript no longer narrows `r`.
    fs.writeFileSync(sol, orig.replace("  return out;\n}", "  const r: number[] | null = out.length ? out : null;\n  if (r === null) return [];\n  return r;\n}")
      .replace("    out.push(x > threshold ? 1 : 0);", '    // STUB: throw new Error("TODO: toy-predict");\n    out.push(x > threshold ? 1 : 0);'));
    try {
      const gen = generateRelease(rel.root, loadConfig(rel.root, "A1"));
      expect(() => verifyStubsCompile(rel.root, gen)).not.toThrow(); // narrowing still works here: loop body
      const config = loadConfig(rel.root, "A1");
      fs.writeFileSync(sol, orig.replace("  // STUB: throw new Error(\"TODO: toy-sum\");\n", '  // STUB: throw new Error("TODO: toy-sum");\n').replace("  return total;", "  const t: number | null = total > 0 ? total : null;\n  if (t === null) return 0;\n  return t;"));
      expect(() => verifyStubsCompile(rel.root, generateRelease(rel.root, config))).toThrow(/student version does not compile: student_src\/toy\.ts:\d+:\d+: TS2322 Type 'number \| null' is not assignable to type 'number'/);
    } finally {
      fs.writeFileSync(sol, orig);
    }
  });

  it("reports a solution that imports what students may not", () => {
    const config = loadConfig(rel.root, "A1");
    config.modules[0].allowedImports = ["../lib/data"];
    expect(() => generateRelease(rel.root, config)).toThrow(/solutions\/toy\.ts:5: imports "\.\.\/lib\/tensor", which allowedImports of student_src\/toy\.ts does not allow/);
  });
});

describe("self-test", () => {
  it("type-checks the bundle, public tests fail on the stubs and pass on the solutions", () => {
    const r = selfTest(rel.root, loadConfig(rel.root, "A1"), rel.bundleDir);
    expect(r.lines.join("\n")).toMatch(/tsc --noEmit over the bundle: ok[\s\S]*on the stubs: 2\/2 fail[\s\S]*on the solutions: 2\/2 pass/);
    expect(r.ok).toBe(true);
  });

  it("fails when a stub does not compile", () => {
    const file = path.join(rel.bundleDir, "student_src", "toy.ts");
    const orig = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, orig.replace('throw new Error("TODO: toy-sum");', "total = undefinedName;"));
    try {
      const r = selfTest(rel.root, loadConfig(rel.root, "A1"), rel.bundleDir);
      expect(r.ok).toBe(false);
      expect(r.lines[0]).toMatch(/tsc --noEmit over the bundle FAILED[\s\S]*student_src\/toy\.ts.*Cannot find name 'undefinedName'/);
    } finally {
      fs.writeFileSync(file, orig);
    }
  });
});
