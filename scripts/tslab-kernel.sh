#!/usr/bin/env bash
# Jupyter kernel launcher of the "dlvr-tslab" kernel spec: tslab-kernel.sh {connection_file}
# scripts/install-kernel.ts copies this file into the kernel's folder (<jupyter data dir>/kernels/dlvr-tslab/).
#
# Why walk up: Jupyter starts a kernel in the notebook's folder, and tslab compiles relative to its working
# directory (`import "../lib/tensor"` from notebooks/ fails: "not under rootDir"). We walk up from there to the
# course kit's package.json and run that project's tslab in its root, so notebooks import "./lib/tensor". The spec
# names no project, so the A3 and A4 folders side by side both work with one spec, a moved folder keeps working,
# and a test's temp copy of the project runs its own files.
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 CONNECTION_FILE" >&2
  exit 2
fi
connection_file="$1"
# Jupyter may hand a path relative to its own cwd; pin it before we cd away.
[[ "$connection_file" == /* ]] || connection_file="$PWD/$connection_file"

is_root() { [[ -f "$1/package.json" ]] && grep -q '"name": *"dlvr-course-kit"' "$1/package.json"; }

root=""
dir="$(pwd)"
while :; do
  if is_root "$dir"; then root="$dir"; break; fi
  [[ "$dir" == "/" ]] && break
  dir="$(dirname "$dir")"
done

# Started outside any kit folder (a notebook opened from elsewhere): the kit that installed the spec, or the
# project this launcher sits in when run from scripts/.
if [[ -z "$root" ]]; then
  for cand in "${DLVR_KIT_FALLBACK:-}" "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"; do
    if [[ -n "$cand" ]] && is_root "$cand"; then root="$cand"; break; fi
  done
  if [[ -z "$root" ]]; then
    echo "tslab-kernel: no course kit (package.json named dlvr-course-kit) above $(pwd); open the notebook from the assignment folder" >&2
    exit 1
  fi
  echo "tslab-kernel: no course kit above $(pwd); using $root" >&2
fi

tslab="$root/node_modules/.bin/tslab"
if [[ ! -x "$tslab" ]]; then
  echo "tslab-kernel: $tslab not found; run 'bash scripts/setup.sh' in $root" >&2
  exit 1
fi

cd "$root"
# tslab fixes (execution counts, error replies, --allow-errors, source maps, folder imports): see the preload.
preload="$root/scripts/tslab-kernel-patches.cjs"
if [[ -f "$preload" ]]; then
  export NODE_OPTIONS="--require \"$preload\"${NODE_OPTIONS:+ $NODE_OPTIONS}"
fi
# --single-threaded-gc: V8's background GC threads compete with OpenBLAS's threads for the few cores of a
# student laptop or VM, and the JS heap here is tiny (tensor data lives outside it), so parallel GC buys
# nothing; measured on 2 cores it made a two-layer training step ~1.5x slower (see lib/native/README.md).
exec node --single-threaded-gc "$tslab" kernel --config-path "$connection_file"
