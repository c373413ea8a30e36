#!/usr/bin/env bash
# Jupyter kernel launcher for the "dlvr-deno" kernel spec: scripts/deno-kernel.sh {connection_file}
#
# Deno's built-in kernel (`deno jupyter --kernel`), from the `deno` npm package in node_modules. Like the
# tslab launcher it walks up from the starting directory (Jupyter starts kernels in the notebook's folder)
# to the project root and runs there, so cells import "./lib/tensor" and Deno reads the project's deno.json
# (sloppy imports, node_modules as is). The kernel runs every cell with all permissions (Deno's default for
# Jupyter): it is the student's own machine and the student's own code.
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 CONNECTION_FILE" >&2
  exit 2
fi
connection_file="$1"
[[ "$connection_file" == /* ]] || connection_file="$PWD/$connection_file"

is_root() { [[ -f "$1/package.json" && -f "$1/deno.json" && -d "$1/lib/tensor" ]]; }

root=""
dir="$(pwd)"
while :; do
  if is_root "$dir"; then root="$dir"; break; fi
  [[ "$dir" == "/" ]] && break
  dir="$(dirname "$dir")"
done
if [[ -z "$root" ]]; then
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  echo "deno-kernel: no project root above $(pwd); using $root" >&2
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
