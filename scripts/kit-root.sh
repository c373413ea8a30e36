# Sourced by the kernel launchers (tslab-kernel.sh, deno-kernel.sh), next to which scripts/install-kernel.ts copies
# it in each kernel's folder. find_kit_root NAME CONNECTION_FILE sets `connection_file` (made absolute: Jupyter may
# hand a path relative to its own cwd, and the launcher cds away) and `root`: the course kit (the package.json named
# dlvr-course-kit) at or above the working directory, where Jupyter starts a kernel (the notebook's folder). So the
# A3 and A4 folders side by side both work with one spec, a moved folder keeps working, and a test's temp copy of
# the project runs its own files. Outside any kit folder: $DLVR_KIT_FALLBACK (the kit that installed the spec), or
# the project this file sits in when run from scripts/. NAME prefixes the messages.

is_kit_root() { [[ -f "$1/package.json" ]] && grep -q '"name": *"dlvr-course-kit"' "$1/package.json"; }

find_kit_root() {
  local name="$1" dir cand
  connection_file="$2"
  [[ "$connection_file" == /* ]] || connection_file="$PWD/$connection_file"
  root=""
  dir="$(pwd)"
  while :; do
    if is_kit_root "$dir"; then root="$dir"; return 0; fi
    [[ "$dir" == "/" ]] && break
    dir="$(dirname "$dir")"
  done
  for cand in "${DLVR_KIT_FALLBACK:-}" "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"; do
    if [[ -n "$cand" ]] && is_kit_root "$cand"; then
      root="$cand"
      echo "$name: no course kit above $(pwd); using $root" >&2
      return 0
    fi
  done
  echo "$name: no course kit (package.json named dlvr-course-kit) above $(pwd); open the notebook from the assignment folder" >&2
  exit 1
}
