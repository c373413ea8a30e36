#!/usr/bin/python3
"""Execute a notebook headless with nbclient and write the executed copy.

Run with Debian's /usr/bin/python3 (the Jupyter install); `python3` on PATH may lack nbclient.
Usage: run_notebook.py NOTEBOOK --out OUT [--cwd DIR] [--timeout SEC] [--kernel NAME]
The kernel spec must be findable (scripts/notebook-runner.ts installs it in the user's Jupyter data dir).
Cells after a failed one run (allow_errors sends stop_on_error=False, which the kit's patched kernel honours).
Prints one JSON summary line on stdout: {"seconds", "cells": [{"index", "status", "ename", "evalue",
"timed_out", "seconds", "retried"}], "fatal"}; logs go to stderr. Exit 1 only when the run itself broke (kernel died
or did not start); cell errors are recorded and execution goes on.
"""
import argparse
import atexit
import json
import os
import sys
import time
from queue import Empty

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async

# Deno's kernel may send a cell's stdout and displays just after that cell's "idle" status (it waits 5 ms for
# its stdio task, too little on a busy machine); nbclient would drop them. Late outputs name the request that was
# current when they were sent, so on Deno we wait for a quiet moment after each cell before sending the next one
# (else they land in the next cell), add what arrives to its cell, and after the last cell wait longer.
DENO_QUIET_SEC = 0.15
LATE_OUTPUT_QUIET_SEC = 0.5
LATE_OUTPUT_TYPES = {"stream", "display_data", "update_display_data", "execute_result", "error"}
# Deno's kernel answers "Execution failed" (no traceback, no error output) when its REPL returned no result: for a
# syntax error (it drops the parser's message; notebook-runner.ts recovers it) and, rarely, for a cell that ran (an
# inspector round trip that failed, seen about once in four CI runs). A student re-runs the cell; so does this
# runner, once, with the first attempt's outputs cleared.
DENO_NO_RESULT = ("Error", "Execution failed")


class Client(NotebookClient):
    def __init__(self, nb, **kw):
        super().__init__(nb, **kw)
        self.summary = {}
        self.started = {}
        self.timeouts = {}  # cell index -> number of timeouts seen
        self.current = -1
        self.cell_by_request = {}  # execute request msg_id -> (cell, index), to place late outputs
        self.retried = set()  # cells run a second time after Deno's "Execution failed"
        self.last_code_index = max((i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()), default=-1)
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
            "retried": cell_index in self.retried,
        }

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        # nbclient's loop, except that outputs of earlier cells that arrive late are kept (see LATE_OUTPUT_QUIET_SEC).
        self.cell_by_request[parent_msg_id] = (cell, cell_index)
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    return
            else:
                self._add_late_output(msg)

    def _add_late_output(self, msg):
        owner = self.cell_by_request.get(msg["parent_header"].get("msg_id"))
        if owner is None or msg["msg_type"] not in LATE_OUTPUT_TYPES:
            return
        self.log.info("late %s output for cell %s", msg["msg_type"], owner[1])
        try:
            self.process_message(msg, owner[0], owner[1])
        except CellExecutionComplete:
            pass

    @property
    def on_deno(self):
        return "deno" in (self.km.kernel_name or "")

    def _deno_no_result(self, cell, cell_index):
        s = self.summary.get(cell_index)
        return (self.on_deno and s is not None and not s["timed_out"] and (s["ename"], s["evalue"]) == DENO_NO_RESULT
                and not any(o.get("output_type") == "error" for o in cell.get("outputs", [])))

    async def async_execute_cell(self, cell, cell_index, *args, **kw):
        result = await super().async_execute_cell(cell, cell_index, *args, **kw)
        if cell_index not in self.retried and self._deno_no_result(cell, cell_index):
            self.log.warning("cell %s: Deno's kernel returned no result (\"Execution failed\"); running it once more",
                             cell_index)
            self.retried.add(cell_index)
            await self._collect_late_outputs(DENO_QUIET_SEC)
            cell.outputs = []
            result = await super().async_execute_cell(cell, cell_index, *args, **kw)
        ran = cell.cell_type == "code" and cell.source.strip()
        if cell_index == self.last_code_index:
            await self._collect_late_outputs(LATE_OUTPUT_QUIET_SEC)  # the kernel shuts down next
        elif ran and self.on_deno:
            await self._collect_late_outputs(DENO_QUIET_SEC)
        return result

    async def _collect_late_outputs(self, quiet_sec):
        while True:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=quiet_sec))
            except Empty:
                return
            self._add_late_output(msg)

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


# A kernel that exits before answering kernel_info, with no cell run, most often lost one of its ports:
# jupyter_client picks free ports and closes them, and another process (parallel kernels, as in the tests) can
# bind one before the kernel does ("Address already in use"). A fresh start picks new ports.
START_ATTEMPTS = 3


def died_at_start(client, error):
    return not client.summary and "died before replying to kernel_info" in str(error)


def read_notebook(path, kernel):
    nb = nbformat.read(path, as_version=4)
    if kernel:
        # As Jupyter's "Change kernel" does: the saved notebook names the kernel it ran on.
        from jupyter_client.kernelspec import KernelSpecManager
        spec = KernelSpecManager().get_kernel_spec(kernel)
        nb.metadata["kernelspec"] = {"name": kernel, "display_name": spec.display_name, "language": spec.language}
    return nb


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebook")
    ap.add_argument("--out", required=True)
    ap.add_argument("--cwd", help="kernel working directory (default: the notebook's folder)")
    ap.add_argument("--timeout", type=int, default=120, help="per-cell timeout in seconds (interrupts the cell)")
    ap.add_argument("--kernel", default="", help="kernel name (default: the notebook's kernelspec)")
    args = ap.parse_args()

    cwd = os.path.abspath(args.cwd or os.path.dirname(os.path.abspath(args.notebook)))
    t0 = time.monotonic()
    for attempt in range(1, START_ATTEMPTS + 1):
        nb = read_notebook(args.notebook, args.kernel)
        client = Client(nb, timeout=args.timeout, interrupt_on_timeout=True, allow_errors=True,
                        kernel_name=args.kernel, resources={"metadata": {"path": cwd}})
        fatal = None
        try:
            client.execute()
        except Exception as e:  # kernel died / failed to start: still write what ran
            fatal = f"{type(e).__name__}: {e}"
            if client.km is None:  # nbclient cleaned up already; its exit hook would only fail an assertion
                atexit.unregister(client._cleanup_kernel)
            if attempt < START_ATTEMPTS and died_at_start(client, e):
                print(f"run_notebook: kernel died at start-up ({e}); starting it again with new ports "
                      f"(attempt {attempt + 1} of {START_ATTEMPTS})", file=sys.stderr)
                continue
        break
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
