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
# Sets root (the course kit at or above the notebook's folder) and an absolute connection_file.
source "$(dirname "${BASH_SOURCE[0]}")/kit-root.sh"
find_kit_root tslab-kernel "$1"

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
