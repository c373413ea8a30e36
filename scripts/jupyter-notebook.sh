#!/usr/bin/env bash
# npm run notebook: Jupyter (Debian's /usr/bin/jupyter) opened in notebooks/; it finds the "dlvr-tslab" kernel
# spec in the user's Jupyter data dir (installed by setup). Extra arguments go to `jupyter notebook`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
node_modules/.bin/tsx scripts/install-kernel.ts >/dev/null  # in case setup was skipped
jupyter=/usr/bin/jupyter
[[ -x "$jupyter" ]] || jupyter=jupyter
extra=()
[[ "$(id -u)" -ne 0 ]] || extra=(--allow-root)  # Jupyter refuses to run as root without it (containers)
exec "$jupyter" notebook --notebook-dir="$root/notebooks" "${extra[@]}" "$@"
