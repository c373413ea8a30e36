#!/usr/bin/python3
"""Execute a notebook headless with nbclient and write the executed copy.

Run with Debian's /usr/bin/python3 (the Jupyter install); `python3` on PATH may lack nbclient.
Usage: run_notebook.py NOTEBOOK --out OUT [--cwd DIR] [--timeout SEC] [--kernel NAME]
The kernel spec must be findable (scripts/notebook-runner.ts installs it in the user's Jupyter data dir).
Cells after a failed one run (allow_errors sends stop_on_error=False, which the kit's patched kernel honours).
Prints one JSON summary line on stdout: {"seconds", "cells": [{"index", "status", "ename", "evalue",
"timed_out", "seconds"}], "fatal"}; logs go to stderr. Exit 1 only when the run itself broke (kernel died
or did not start); cell errors are recorded and execution goes on.
"""
import argparse
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.util import ensure_async

class Client(NotebookClient):
    def __init__(self, nb, **kw):
        super().__init__(nb, **kw)
        self.summary = {}
        self.started = {}
        self.timeouts = {}  # cell index -> number of timeouts seen
        self.current = -1
        self.on_cell_execute = self._on_execute
        self.on_cell_executed = self._on_executed

    def _on_execute(self, cell, cell_index):
        self.current = cell_index
        self.started[cell_index] = time.monotonic()

    async def _on_executed(self, cell, cell_index, execute_reply):
        content = (execute_reply or {}).get("content", {})
        status = content.get("status", "no-reply")
        timed_out = self.timeouts.get(cell_index, 0) > 0
        self.summary[cell_index] = {
            "index": cell_index,
            "status": status,
            "ename": content.get("ename"),
            "evalue": content.get("evalue"),
            "timed_out": timed_out,
            "seconds": round(time.monotonic() - self.started.get(cell_index, time.monotonic()), 3),
        }

    async def _async_handle_timeout(self, timeout, cell=None):
        # First timeout: interrupt and wait for the kernel's own (error) reply. If the kernel ignores the
        # interrupt, nbclient would interrupt-and-wait forever; give up on the cell with a synthetic reply.
        n = self.timeouts.get(self.current, 0) + 1
        self.timeouts[self.current] = n
        self.log.error("Cell timed out after %ss; interrupting kernel", timeout)
        await ensure_async(self.km.interrupt_kernel())
        if n == 1:
            return None
        return {"content": {"status": "error", "ename": "TimeoutError",
                            "evalue": f"cell did not stop {timeout}s after interrupt", "traceback": []}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebook")
    ap.add_argument("--out", required=True)
    ap.add_argument("--cwd", help="kernel working directory (default: the notebook's folder)")
    ap.add_argument("--timeout", type=int, default=120, help="per-cell timeout in seconds (interrupts the cell)")
    ap.add_argument("--kernel", default="", help="kernel name (default: the notebook's kernelspec)")
    args = ap.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    cwd = os.path.abspath(args.cwd or os.path.dirname(os.path.abspath(args.notebook)))
    client = Client(nb, timeout=args.timeout, interrupt_on_timeout=True, allow_errors=True,
                    kernel_name=args.kernel, resources={"metadata": {"path": cwd}})
    t0 = time.monotonic()
    fatal = None
    try:
        client.execute()
    except Exception as e:  # kernel died / failed to start: still write what ran
        fatal = f"{type(e).__name__}: {e}"
    nbformat.write(nb, args.out)
    summary = {
        "seconds": round(time.monotonic() - t0, 3),
        "cells": [client.summary[i] for i in sorted(client.summary)],
        "fatal": fatal,
    }
    print(json.dumps(summary))
    return 1 if fatal else 0


if __name__ == "__main__":
    sys.exit(main())
