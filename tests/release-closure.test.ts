// The student bundle holds everything the kernel launcher, setup, submit, check and the notebooks reach at run time:
// the import closure (computed by lib/course/bundle.ts) plus RUNTIME_REFERENCES. This test checks the list of
// run-time references against the files themselves: every script the bundle ships that names another project
// script (preload, spawn, `tsx x.ts`) must find it in the bundle, so a new preload or spawn cannot be forgotten.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { RUNTIME_REFERENCES, STUDENT_NPM_SCRIPTS, bundleClosure, bundleEntries, bundleEntryPoints } from "../lib/course/bundle";
import { loadConfig } from "../lib/course/config";
import { findImports } from "../lib/course/imports";
import { generateRelease } from "../lib/course/release-assignment";
import { ROOT } from "./notebook-helpers";

/** File names of the project's scripts/ and lib/course/ (what a script can preload, spawn or run by name). */
const runnable = [...fs.readdirSync(path.join(ROOT, "scripts")).map((f) => `scripts/${f}`), ...fs.readdirSync(path.join(ROOT, "lib", "course")).map((f) => `lib/course/${f}`)]
  .filter((p) => /\.(ts|cjs|mjs|js|sh|py)$/.test(p));

/** Project scripts that a bundled text file names (by file name) but that the bundle lacks: "<file> names <script>". */
function namedButMissing(bundle: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [file, text] of bundle) {
    if (!/\.(ts|cjs|mjs|js|sh|py)$/.test(file)) continue;
    for (const target of runnable) {
      const name = path.posix.basename(target);
      // the name as a word of its own, not inside a longer name ("submit.ts" but not "notebook-submit.ts")
      if (new RegExp(`(^|[^\\w.-])${name.replace(/[.]/g, "\\.")}(?![\\w-])`).test(text) && !bundle.has(target)) out.push(`${file} names ${target}`);
    }
  }
  return out;
}

/** Files a shipped script names on purpose although they are not shipped (instructor-only, mentioned in comments). */
const NAMED_NOT_SHIPPED = new Set<string>([]);

/** Packages required inside a try with a fallback when absent (lib/data/cifar10-download.ts: the system tar). */
const OPTIONAL_PACKAGES = new Set(["tar"]);

describe.each(["A3", "A4"])("%s bundle", (id) => {
  const config = loadConfig(ROOT, id);
  const gen = generateRelease(ROOT, config);
  const entries = bundleEntries(ROOT, config, gen);
  const bundle = new Map(entries.map((e) => [e.path, e.data.toString("utf8")]));

  it("holds the whole closure of the entry points, with every relative import resolved", () => {
    const { files, unresolved } = bundleClosure(ROOT, bundleEntryPoints(ROOT, config));
    expect(unresolved).toEqual([]);
    expect([...files].filter((f) => !bundle.has(f))).toEqual([]);
    for (const f of ["scripts/tslab-kernel.sh", "scripts/tslab-kernel-patches.cjs", "scripts/tslab-folder-imports.cjs", "scripts/submit.ts", "lib/course/notebook-submit.ts"]) {
      expect(bundle.has(f), f).toBe(true);
    }
  });

  it("every script it ships that names another project script ships that script too", () => {
    expect(namedButMissing(bundle).filter((m) => !NAMED_NOT_SHIPPED.has(m))).toEqual([]);
  });

  it("keeps the students' npm scripts, each running files that are in the bundle", () => {
    const pkg = JSON.parse(bundle.get("package.json")!);
    expect(Object.keys(pkg.scripts).sort()).toEqual([...STUDENT_NPM_SCRIPTS].sort());
  });

  it("every npm package its code imports is a dependency that a student's `npm ci --omit=dev` installs", () => {
    const pkg = JSON.parse(bundle.get("package.json")!) as { dependencies: Record<string, string>; devDependencies?: Record<string, string> };
    const used = new Set<string>();
    for (const [file, text] of bundle) {
      if (!/\.(ts|cts|mts)$/.test(file)) continue;
      for (const { specifier } of findImports(text, file)) {
        if (/^(\.|\/|node:|<computed)/.test(specifier)) continue;
        used.add(specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]);
      }
    }
    expect(used.size).toBeGreaterThan(3); // tslab, seedrandom, pngjs, ... (the scan sees them)
    expect([...used].filter((p) => !(p in pkg.dependencies) && !OPTIONAL_PACKAGES.has(p)).sort()).toEqual([]);
    // And the course repository's grader-only packages are none of them.
    for (const p of ["bullmq", "ioredis", "csv-parse", "puppeteer-core"]) expect(used.has(p), p).toBe(false);
  });

  it("leaves out release-only course modules and the instructor's scripts", () => {
    for (const f of ["lib/course/bundle.ts", "lib/course/release-assignment.ts", "lib/course/self-test.ts", "scripts/release.ts", "scripts/grade.ts"]) {
      expect(bundle.has(f), f).toBe(false);
    }
  });
});

describe("the run-time reference list", () => {
  it("each entry's file names its target, and both exist", () => {
    for (const ref of RUNTIME_REFERENCES) {
      expect(fs.existsSync(path.join(ROOT, ref.to)), ref.to).toBe(true);
      expect(fs.readFileSync(path.join(ROOT, ref.from), "utf8"), `${ref.from} should name ${ref.to} (${ref.how})`).toContain(path.posix.basename(ref.to));
    }
  });

  it("the check fails when the bundle lacks a preloaded or spawned script", () => {
    const config = loadConfig(ROOT, "A3");
    const bundle = new Map(bundleEntries(ROOT, config, generateRelease(ROOT, config)).map((e) => [e.path, e.data.toString("utf8")]));
    bundle.delete("scripts/tslab-kernel-patches.cjs");
    bundle.delete("scripts/submit.ts");
    expect(namedButMissing(bundle)).toEqual(expect.arrayContaining([
      "scripts/tslab-kernel.sh names scripts/tslab-kernel-patches.cjs",
      "lib/course/notebook-submit.ts names scripts/submit.ts",
    ]));
  });
});
