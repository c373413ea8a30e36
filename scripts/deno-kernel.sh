#!/usr/bin/env bash
# Jupyter kernel launcher for the "dlvr-deno" kernel spec: scripts/deno-kernel.sh {connection_file}
#
# scripts/install-kernel.ts copies this file into the kernel's folder (<jupyter data dir>/kernels/dlvr-deno/).
#
# Deno's built-in kernel (`deno jupyter --kernel`), from the `deno` npm package in node_modules. Like the
# tslab launcher it walks up from the starting directory (Jupyter starts kernels in the notebook's folder)
# to the course kit's package.json (named dlvr-course-kit) and runs in that project's root, so cells import "./lib/tensor" and Deno reads the project's deno.json
# (sloppy imports, node_modules as is). The kernel runs every cell with all permissions (Deno's default for
# Jupyter): it is the student's own machine and the student's own code.
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 CONNECTION_FILE" >&2
  exit 2
fi
# Sets root (the course kit at or above the notebook's folder) and an absolute connection_file.
source "$(dirname "${BASH_SOURCE[0]}")/kit-root.sh"
find_kit_root deno-kernel "$1"

deno="$root/node_modules/.bin/deno"
if [[ ! -x "$deno" ]]; then
  echo "deno-kernel: $deno not found; run 'npm ci' in $root" >&2
  exit 1
fi

cd "$root"
# Offline and quiet: no update check, no permission prompts, no "unstable" colour codes in Jupyter's log.
export DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1 NO_COLOR=1
exec "$deno" jupyter --kernel --conn "$connection_file"
