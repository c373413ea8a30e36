/**
 * The release-and-grade half of `npm run demo`: releases every assignment with the same CLI an instructor runs,
 * builds two A3 submissions from the reference solutions (one solved, one still holding the released stubs;
 * notebooks marked as run, best models trained on the default data) and grades both in the sandbox, as a TA would.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gradeBatch } from "../grader/batch";
import { loadManifestSource } from "../grader/integrity/manifest-source";
import { a3ReferenceModels } from "../grader/samples/reference-models";
import { buildSubmissionZip, stubModuleText } from "../grader/samples/submission-builder";

const ROOT = path.resolve(__dirname, "..");
const TSX = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

/** Run `tsx scripts/<script> ...args`, echoing its output indented; throws when it fails. */
function runScript(script: string, args: string[]): string {
  const r = spawnSync(process.execPath, [TSX, path.join(ROOT, "scripts", script), ...args], {
    cwd: ROOT, encoding: "utf8", env: { ...process.env, TENSOR_QUIET: "1" }, maxBuffer: 64 << 20,
  });
  const text = `${r.stdout ?? ""}${r.stderr ?? ""}`.trimEnd();
  if (text) console.log(text.split("\n").map((l) => `  ${l}`).join("\n"));
  if (r.status !== 0) throw new Error(`scripts/${script} ${args.join(" ")} exited with ${r.status ?? r.signal}`);
  return text;
}

export async function runGradingDemo(outDir = path.join(ROOT, "out", "demo")): Promise<string> {
  console.log("release   npm run release -- --all --no-self-test");
  runScript("release.ts", ["--all", "--no-self-test"]);

  const source = loadManifestSource(ROOT, "A3");
  const module = source.config.modules[0];
  const models = a3ReferenceModels(ROOT, path.join(os.tmpdir(), "dlvr-grader-cache"));
  const zips = path.join(outDir, "submissions");
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(zips, { recursive: true });
  const stub = stubModuleText(fs.readFileSync(path.join(ROOT, module.solution), "utf8"), module.solution);
  for (const [student, files] of [
    [{ name: "Reference Student", id: "1001", option: 2 as const }, { ...models }],
    [{ name: "Stub Student", id: "1002", option: 2 as const }, { ...models, [module.student]: stub }],
  ] as const) {
    const { fileName, zip } = await buildSubmissionZip(ROOT, source, files, student);
    fs.writeFileSync(path.join(zips, fileName), zip);
    console.log(`submit    ${path.relative(ROOT, path.join(zips, fileName))} (${(zip.length / 1024).toFixed(0)} KiB)`);
  }

  console.log(`grade     npm run grade -- ${path.relative(ROOT, zips)} --out ${path.relative(ROOT, path.join(outDir, "graded"))}`);
  const summary = await gradeBatch({
    inputs: [zips], outDir: path.join(outDir, "graded"), jobs: 2, force: true, repoRoot: ROOT, progressMode: "silent",
    log: (l) => console.log(`  ${l}`), warn: (l) => console.log(`  ${l}`),
  });
  const scores = summary.runs.map((r) => `${r.results.extra_data.student_id} ${r.results.score}/${r.results.extra_data.max_score}`);
  console.log(`feedback  ${path.relative(ROOT, path.join(outDir, "graded"))}/<student>/feedback.md, results.json; gradebook.csv`);
  return `graded ${summary.graded}: ${scores.join(", ")}`;
}
