/**
 * The Gradescope autograder zip for one assignment (npm run gradescope -- A3): Gradescope unpacks it into
 * /autograder/source, runs setup.sh once when building the image, and run_autograder for every submission
 * (the student's files in /autograder/submission, results expected in /autograder/results/results.json).
 * run_autograder runs this same grader (scripts/grade.ts) on the submission folder, one job, the course secret
 * from source/.grader-secret. AUTOGRADER_ROOT overrides /autograder (for testing on a fake root).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ZipEntry } from "../../lib/course/package-zip";
import { loadManifestSource } from "../integrity/manifest-source";

export const SECRET_FILE = ".grader-secret";

export function setupScript(): string {
  return `#!/usr/bin/env bash
# Gradescope: runs once while the autograder image is built (as root, Ubuntu).
set -euo pipefail
cd "$(dirname "\${BASH_SOURCE[0]}")"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends ca-certificates curl bubblewrap util-linux >/dev/null
need_node=1
if command -v node >/dev/null; then
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' && need_node=0
fi
if [ "$need_node" = 1 ]; then
  curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
  apt-get install -y -qq nodejs >/dev/null
fi
npm ci --omit=dev --no-audit --no-fund
# Check that the grader and its sandbox work here (prints which isolation level is used).
node node_modules/tsx/dist/cli.mjs scripts/sandbox-probe.ts || true
`;
}

export function runAutograderScript(assignment: string): string {
  return `#!/usr/bin/env bash
# Gradescope: grades one submission. AUTOGRADER_ROOT (default /autograder) holds source/, submission/, results/.
set -uo pipefail
ROOT="\${AUTOGRADER_ROOT:-/autograder}"
SRC="$ROOT/source"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
cd "$SRC" || exit 1
meta=()
[ -f "$ROOT/submission_metadata.json" ] && meta=(--metadata "$ROOT/submission_metadata.json")
secret=""
[ -f "$SRC/${SECRET_FILE}" ] && secret="$(cat "$SRC/${SECRET_FILE}")"
GRADER_SEED_SECRET="$secret" node node_modules/tsx/dist/cli.mjs scripts/grade.ts "$ROOT/submission" \\
  --assignment ${assignment} --out "$ROOT/grader-out" --jobs 1 --force --progress lines --results-json "$RESULTS" "\${meta[@]}"
status=$?
if [ ! -s "$RESULTS" ]; then
  printf '%s\\n' '{"score": 0, "output": "The autograder could not grade this submission (internal error, exit code '"$status"'). Please contact the course staff.", "visibility": "visible", "tests": []}' > "$RESULTS"
fi
exit 0
`;
}

const EXCLUDE = [/(^|\/)node_modules\//, /(^|\/)build\//, /\.(node|o|so|log)$/, /(^|\/)\.DS_Store$/, /\.tmp-\d+/];

function walk(root: string, rel: string): string[] {
  const abs = path.join(root, rel);
  if (!fs.existsSync(abs)) return [];
  if (fs.statSync(abs).isFile()) return [rel];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    const p = `${rel}/${e.name}`;
    return e.isDirectory() ? walk(root, p) : e.isFile() ? [p] : [];
  });
}

/** Zip entries (paths relative to the zip root = /autograder/source). */
export function gradescopeEntries(repoRoot: string, assignment: string, secret: string): ZipEntry[] {
  const source = loadManifestSource(repoRoot, assignment);
  const roots = [
    "package.json", "package-lock.json", "tsconfig.json", "lib", "solutions", "grader", "scripts/grade.ts", "lib/course",
    "lib/course/notebook-format.ts", "release", ...source.config.notebooks,
  ];
  const files = [...new Set(roots.flatMap((r) => walk(repoRoot, r)))].filter((f) => !EXCLUDE.some((re) => re.test(f))).sort();
  const missing = ["package-lock.json", "scripts/grade.ts", "grader/grade-submission.ts"].filter((f) => !files.includes(f));
  if (missing.length) throw new Error(`gradescope: ${missing.join(", ")} missing from the project`);
  return [
    ...files.map((f) => ({ path: f, data: fs.readFileSync(path.join(repoRoot, f)), mode: f.endsWith(".sh") ? 0o755 : 0o644 })),
    { path: "setup.sh", data: Buffer.from(setupScript()), mode: 0o755 },
    { path: "run_autograder", data: Buffer.from(runAutograderScript(assignment)), mode: 0o755 },
    { path: SECRET_FILE, data: Buffer.from(secret), mode: 0o600 },
  ];
}
