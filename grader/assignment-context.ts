/**
 * Everything needed to grade submissions of one assignment, prepared once per batch: hidden tests, the release
 * manifest, the policy, and a fingerprint of the whole grading setup (secret, grader code, solutions, lib,
 * manifest, policy) that tells whether an earlier results.json is still valid.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { checkGrading, loadGrading } from "./hidden/registry";
import type { AssignmentGrading } from "./hidden/types";
import { loadManifestSource, type ManifestSource } from "./integrity/manifest-source";
import { resolvePolicy, type GradingPolicy, type PolicyOverrides } from "./integrity/policy";
import type { SandboxInfo } from "./run/sandbox";
import { RESULTS_FORMAT } from "./report/gradescope-results";
import { secretFingerprint } from "./seeds";

export interface GraderEnv {
  repoRoot: string;
  secret: string;
  sandbox: SandboxInfo;
  /** Per-run temporary directory (world-traversable: jobs run as uid 65534). */
  workRoot: string;
  /** Applied after the assignment's own policy (CLI flags such as --time-scale). */
  policyOverrides?: PolicyOverrides;
}

export interface AssignmentContext {
  id: string;
  grading: AssignmentGrading;
  source: ManifestSource;
  policy: GradingPolicy;
  fingerprint: string;
}

function walkFiles(dir: string, accept: (f: string) => boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && !["node_modules", "build", ".git"].includes(e.name)) out.push(...walkFiles(p, accept));
    else if (e.isFile() && accept(p)) out.push(p);
  }
  return out;
}

let codeHash: string | null = null;
/** Hash of the code that decides grades: grader/, solutions/, lib/ sources. */
function gradingCodeHash(repoRoot: string): string {
  if (codeHash) return codeHash;
  const h = createHash("sha256");
  const files = ["grader", "solutions", "lib"]
    .flatMap((d) => walkFiles(path.join(repoRoot, d), (f) => /\.(ts|json)$/.test(f)))
    .map((f) => path.relative(repoRoot, f).split(path.sep).join("/"))
    .sort();
  for (const f of files) h.update(f).update("\0").update(fs.readFileSync(path.join(repoRoot, f))).update("\0");
  codeHash = h.digest("hex");
  return codeHash;
}

export async function loadAssignmentContext(env: GraderEnv, id: string): Promise<AssignmentContext> {
  const grading = await loadGrading(id);
  if (grading.tests.length === 0) throw new Error(`assignment ${id} has no hidden tests yet`);
  const source = loadManifestSource(env.repoRoot, id);
  const probes = (await import(grading.probesModule)) as { probes?: Record<string, unknown> };
  const problems = checkGrading(grading, source.config, Object.keys(probes.probes ?? {}));
  if (problems.length) throw new Error(`grader/hidden/${id} does not match grader/assignments/${id}.json:\n  ${problems.join("\n  ")}`);
  const policy = resolvePolicy(grading.policy, env.policyOverrides);
  const fingerprint = createHash("sha256")
    .update(JSON.stringify([RESULTS_FORMAT, secretFingerprint(env.secret), gradingCodeHash(env.repoRoot), createHash("sha256").update(source.text).digest("hex"), policy]))
    .digest("hex")
    .slice(0, 16);
  return { id, grading, source, policy, fingerprint };
}
