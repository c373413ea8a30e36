#!/usr/bin/env bash
# Jupyter kernel launcher for the "dlvr-tslab" kernel spec: scripts/tslab-kernel.sh {connection_file}
#
# Why: tslab compiles relative to the kernel's working directory, and Jupyter starts a kernel in the
# notebook's folder, so `import "../lib/tensor"` from notebooks/ fails ("not under rootDir"). We walk up
# from the starting directory to the project root and run tslab there, so notebooks import "./lib/tensor".
# Walking up from $PWD (not from this script's location) lets a copy of the project (e.g. a test's temp
# dir) use its own files even though the kernel spec points at the original launcher.
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 CONNECTION_FILE" >&2
  exit 2
fi
connection_file="$1"
# Jupyter may hand a path relative to its own cwd; pin it before we cd away.
[[ "$connection_file" == /* ]] || connection_file="$PWD/$connection_file"

is_root() { [[ -f "$1/package.json" && -d "$1/lib/tensor" ]]; }

root=""
dir="$(pwd)"
while :; do
  if is_root "$dir"; then root="$dir"; break; fi
  [[ "$dir" == "/" ]] && break
  dir="$(dirname "$dir")"
done

# Started outside any project (e.g. a notebook opened from elsewhere): use the launcher's own project.
if [[ -z "$root" ]]; then
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  echo "tslab-kernel: no project root above $(pwd); using $root" >&2
fi

tslab="$root/node_modules/.bin/tslab"
if [[ ! -x "$tslab" ]]; then
  echo "tslab-kernel: $tslab not found; run 'npm ci' in $root" >&2
  exit 1
fi

cd "$root"
# Folder imports ("./lib/tensor" -> lib/tensor/index.ts) fail at run time in plain tslab; see the preload.
preload="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tslab-folder-imports.cjs"
export NODE_OPTIONS="--require \"$preload\"${NODE_OPTIONS:+ $NODE_OPTIONS}"
# --single-threaded-gc: V8's background GC threads compete with OpenBLAS's threads for the few cores of a
# student laptop or VM, and the JS heap here is tiny (tensor data lives outside it), so parallel GC buys
# nothing; measured on 2 cores it made a two-layer training step ~1.5x slower (see lib/native/README.md).
exec node --single-threaded-gc "$tslab" kernel --config-path "$connection_file"
