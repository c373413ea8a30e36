/**
 * Release generator: solutions/ -> student_src/, student notebooks, release manifest, student bundle.
 *
 *   npm run release -- A3                 release one assignment (writes student_src/, release/A3.manifest.json,
 *                                         out/release/A3/ and out/release/A3.zip, then self-tests the bundle)
 *   npm run release -- --all              every grader/assignments/A*.json; ones without solutions are skipped
 *   npm run release -- --all --check      write nothing; exit 1 if committed files (student_src/, manifests, notebooks
 *                                         built from notebooks/src/) differ from a fresh release
 *   every release first rebuilds notebooks/*.ipynb from notebooks/src/*.ts (npm run notebooks:build)
 *   options: --no-bundle, --no-self-test, --out DIR (default out/release), --root DIR (default: this project)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { bundleEntries, writeBundle } from "../lib/course/bundle";
import { ConfigError, listConfigs, loadConfig } from "../lib/course/config";
import { checkRelease, generateRelease, missingSolutions, ReleaseError, verifyStubsCompile, writeRelease } from "../lib/course/release-assignment";
import { selfTest } from "../lib/course/self-test";
import { sha256 } from "../lib/course/text";
import { buildNotebooks } from "./build-notebooks";

interface Options {
  all?: boolean;
  check?: boolean;
  bundle: boolean;
  selfTest: boolean;
  root: string;
  out?: string;
}

const program = new Command()
  .name("npm run release --")
  .description("Generate student files, manifests and bundles from solutions/ (see README: Releasing an assignment)")
  .argument("[assignments...]", "assignment ids, e.g. A3")
  .option("--all", "every assignment config in grader/assignments (assignments without solutions are skipped)")
  .option("--check", "write nothing; fail if the committed student_src/ or release manifests differ from a fresh release")
  .option("--no-bundle", "do not write the student bundle (out/release/<ID>/ and <ID>.zip)")
  .option("--no-self-test", "skip the bundle self-test (tsc + public tests on stubs and on solutions)")
  .option("--root <dir>", "project root", path.resolve(__dirname, ".."))
  .option("--out <dir>", "bundle output folder (default: <root>/out/release)")
  .showHelpAfterError();

async function main(ids: string[], opts: Options): Promise<number> {
  const t0 = performance.now();
  const root = path.resolve(opts.root);
  const outDir = path.resolve(opts.out ?? path.join(root, "out", "release"));
  if (opts.all && ids.length) throw new Error("give assignment ids or --all, not both");
  const targets = opts.all ? listConfigs(root) : ids;
  if (targets.length === 0) {
    console.error(opts.all ? `no assignment configs in ${path.join(root, "grader/assignments")}` : "which assignment? e.g. npm run release -- A3 (or --all)");
    return 2;
  }
  let released = 0;
  let skipped = 0;
  let failed = 0;
  // The notebooks are built from notebooks/src/*.ts: a release uses fresh builds; --check fails on a stale one.
  const nb = buildNotebooks(path.join(root, "notebooks"), { check: opts.check });
  for (const f of nb.stale) {
    console.log(`${"nb".padEnd(4)} ${(opts.check ? "STALE" : "built").padEnd(9)} notebooks/${f}${opts.check ? " differs from a fresh build of notebooks/src: run npm run notebooks:build (or npm run release)" : " from notebooks/src"}`);
  }
  if (opts.check && nb.stale.length) failed++;
  for (const id of targets) {
    const say = (status: string, text: string) => console.log(`${id.padEnd(4)} ${status.padEnd(9)} ${text}`);
    try {
      const config = loadConfig(root, id);
      const absent = missingSolutions(root, config);
      if (absent.length && opts.all) {
        say("skipped", `${absent.join(", ")} does not exist yet (write the solution module to release ${id})`);
        skipped++;
        continue;
      }
      const gen = generateRelease(root, config);
      verifyStubsCompile(root, gen);
      if (opts.check) {
        let stale = 0;
        for (const f of checkRelease(root, gen)) {
          if (f.status !== "unchanged") stale++;
          say(f.status === "unchanged" ? "ok" : "STALE", f.status === "unchanged" ? `${f.path} matches a fresh release` : `${f.path} ${f.status === "missing" ? "is missing" : "differs from a fresh release"}: run npm run release -- ${id}`);
        }
        if (gen.missing.length) say("info", `manifest not checked, inputs missing: ${gen.missing.join("; ")}`);
        if (stale) failed++;
        else released++;
        continue;
      }
      for (const f of writeRelease(root, gen)) say(f.status === "written" ? "wrote" : "unchanged", f.path);
      say("info", `modules: ${gen.stats.blocks} blocks, ${gen.stats.frozenRegions} frozen regions; notebooks: ${gen.notebooks.length}, ${gen.stats.cells} cells (${gen.stats.frozenCells} frozen)`);
      if (gen.missing.length) {
        say("FAIL", `release incomplete (student modules written; no manifest or bundle) - missing: ${gen.missing.join("; ")}`);
        failed++;
        continue;
      }
      if (opts.bundle) {
        const entries = bundleEntries(root, config, gen);
        const b = await writeBundle(outDir, id, entries);
        const zipHash = sha256(fs.readFileSync(b.zipPath));
        say("bundle", `${path.relative(root, b.dir) || b.dir}/ (${b.files} files) and ${path.relative(root, b.zipPath)} (${(b.zipBytes / 1024).toFixed(0)} KiB, sha256 ${zipHash.slice(0, 12)})`);
        if (opts.selfTest) {
          const st = selfTest(root, config, b.dir);
          for (const line of st.lines) say(st.ok ? "self-test" : "FAIL", line);
          if (!st.ok) {
            failed++;
            continue;
          }
        }
      }
      released++;
    } catch (err) {
      failed++;
      if (err instanceof ReleaseError) for (const p of err.problems) say("FAIL", p);
      else if (err instanceof ConfigError) for (const p of err.errors) say("FAIL", `${err.file}: ${p}`);
      else say("FAIL", (err as Error).stack ?? String(err));
    }
  }
  const verb = opts.check ? "up to date" : "released";
  console.log(`summary: ${released} ${verb}, ${skipped} skipped, ${failed} failed (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return failed ? 1 : 0;
}

program.action(async (ids: string[], opts: Options) => {
  try {
    process.exitCode = await main(ids, opts);
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 2;
  }
});
program.parseAsync();
