#!/usr/bin/env bash
# One-time (and safe to re-run) setup of the course kit: system packages, npm packages, the native
# matmul backend when available, and the Jupyter kernel specs "dlvr-tslab" (default) and "dlvr-deno" (Deno's
# kernel, Deno from the `deno` npm package) in the user's Jupyter data dir.
# Usage: bash scripts/setup.sh          students and TAs: what the notebooks, submit, check and grade need
#        bash scripts/setup.sh --dev    developers and CI: also what only the tests and benchmarks need
#                                       (chromium for browser tests, python3-torch as oracle and bench peer,
#                                       redis-server for the grading-queue tests)
# DLVR_SKIP_FASHION_MNIST=1 bash scripts/setup.sh   skips Debian's dataset-fashion-mnist (30 MB of real photos for
#                                       DLVR_DATASET=fashion-mnist); --dev always installs it because the tests read it.
set -euo pipefail

dev=0
for arg in "$@"; do
  case "$arg" in
    --dev) dev=1 ;;
    *) echo "setup: unknown option $arg (use --dev for the development and CI set-up)" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
step() { echo "setup: $*"; }

# Debian's Jupyter runs the notebooks (nbclient for headless runs); OpenBLAS for the native backend,
# bubblewrap for the grader's sandbox, numpy for Jupyter extras.
apt_packages=(jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel jupyter-notebook
  libopenblas-dev bubblewrap python3-numpy)
# Fashion-MNIST (70,000 real 28x28 photos under /usr/share/datasets/fashion-mnist/): real images offline.
if [[ "${DLVR_SKIP_FASHION_MNIST:-0}" != "1" || $dev -eq 1 ]]; then
  apt_packages+=(dataset-fashion-mnist)
else
  step "Fashion-MNIST: skipped (DLVR_SKIP_FASHION_MNIST=1); DLVR_DATASET=fashion-mnist will say how to install it"
fi
# Only tests and benchmarks use these; a student's set-up stays lean.
dev_packages=(chromium python3-torch redis-server)
[[ $dev -eq 1 ]] && apt_packages+=("${dev_packages[@]}")

missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  step "system packages: all ${#apt_packages[@]} present"
else
  step "system packages: installing ${missing[*]}"
  sudo=()
  [[ "$(id -u)" -eq 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v node >/dev/null || { echo "setup: node is not installed (need Node >= 20.19)" >&2; exit 1; }
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
  { echo "setup: Node $(node -v) is too old (need >= 20.19)" >&2; exit 1; }

# Skip reinstalling when npm's own hidden lockfile is newer than the manifests (nothing changed since
# the last install); SETUP_FORCE_NPM=1 forces a clean install.
hidden=node_modules/.package-lock.json
if [[ -z "${SETUP_FORCE_NPM:-}" && -f "$hidden" && "$hidden" -nt package.json && ( ! -f package-lock.json || "$hidden" -nt package-lock.json ) ]]; then
  step "npm packages: up to date (SETUP_FORCE_NPM=1 to reinstall)"
elif [[ -f package-lock.json && ! -d grader ]]; then
  # A student bundle (no grader/): package.json's devDependencies are the course repository's grader, test and
  # build tools (bullmq, puppeteer-core, assemblyscript, ...), which nothing in the bundle imports.
  step "npm packages: npm ci --omit=dev (student bundle: no grader, browser-test or build tools)"
  npm ci --omit=dev --no-audit --no-fund --loglevel=error
elif [[ -f package-lock.json ]]; then
  step "npm packages: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
else
  step "npm packages: npm install (no lockfile)"
  npm install --no-audit --no-fund --loglevel=error
fi

native_log="$root/build-native.log"  # gitignored (*.log)
if [[ -z "$(node -p 'require("./package.json").scripts?.["build:native"] ?? ""')" ]]; then
  step "native backend: no build:native script yet, using the portable TypeScript backend"
elif npm run build:native --silent >"$native_log" 2>&1; then
  step "native backend: built (log: build-native.log)"
else
  step "native backend: build failed, using the portable TypeScript backend (log: build-native.log)"
fi

step "kernel spec: $(node_modules/.bin/tsx scripts/install-kernel.ts)"
# Check what a plain `jupyter kernelspec list` shows (no JUPYTER_PATH): what Notebook, nbconvert and VS Code see.
jupyter=/usr/bin/jupyter  # Debian's; a pyenv `jupyter` on PATH may not exist or see other kernels
[[ -x "$jupyter" ]] || jupyter=jupyter
specs="$("$jupyter" kernelspec list 2>/dev/null || true)"
listed="$(awk '$1 == "dlvr-tslab" {print $2}' <<<"$specs")"
expected="$("$jupyter" --data-dir 2>/dev/null)/kernels/dlvr-tslab"
if [[ "$listed" == "$expected" ]]; then
  step "jupyter: kernelspec list shows dlvr-tslab at $listed"
elif [[ -n "$listed" ]]; then
  echo "setup: \`$jupyter kernelspec list\` shows dlvr-tslab at $listed, which hides the one just installed at $expected (JUPYTER_PATH set, or an old copy?): remove $listed" >&2
  exit 1
else
  echo "setup: \`$jupyter kernelspec list\` does not show dlvr-tslab:" >&2
  echo "$specs" >&2
  exit 1
fi

# The second kernel: Deno from node_modules (the `deno` npm package and its platform binary), nothing
# downloaded. Optional: without it the notebooks still run on tslab, so a missing binary only warns.
if DENO_NO_UPDATE_CHECK=1 node_modules/.bin/deno --version >/dev/null 2>&1; then
  if grep -q '^ *dlvr-deno ' <<<"$specs"; then
    step "jupyter: finds kernel dlvr-deno ($(DENO_NO_UPDATE_CHECK=1 node_modules/.bin/deno --version | head -1))"
  else
    echo "setup: \`$jupyter kernelspec list\` does not show dlvr-deno:" >&2
    echo "$specs" >&2
    exit 1
  fi
else
  echo "setup: warning: node_modules/.bin/deno does not run on this platform; the Deno kernel will not start (tslab works)" >&2
fi
