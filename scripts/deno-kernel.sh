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
connection_file="$1"
[[ "$connection_file" == /* ]] || connection_file="$PWD/$connection_file"

is_root() { [[ -f "$1/package.json" ]] && grep -q '"name": *"dlvr-course-kit"' "$1/package.json"; }

root=""
dir="$(pwd)"
while :; do
  if is_root "$dir"; then root="$dir"; break; fi
  [[ "$dir" == "/" ]] && break
  dir="$(dirname "$dir")"
done

# Started outside any kit folder: the kit that installed the spec, or the project this launcher sits in when
# run from scripts/.
if [[ -z "$root" ]]; then
  for cand in "${DLVR_KIT_FALLBACK:-}" "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"; do
    if [[ -n "$cand" ]] && is_root "$cand"; then root="$cand"; break; fi
  done
  if [[ -z "$root" ]]; then
    echo "deno-kernel: no course kit (package.json named dlvr-course-kit) above $(pwd); open the notebook from the assignment folder" >&2
    exit 1
  fi
  echo "deno-kernel: no course kit above $(pwd); using $root" >&2
fi

deno="$root/node_modules/.bin/deno"
if [[ ! -x "$deno" ]]; then
  echo "deno-kernel: $deno not found; run 'npm ci' in $root" >&2
  exit 1
fi

cd "$root"
# Offline and quiet: no update check, no permission prompts, no "unstable" colour codes in Jupyter's log.
export DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1 NO_COLOR=1
exec "$deno" jupyter --kernel --conn "$connection_file"
