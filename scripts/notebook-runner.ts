/**
 * Executes a notebook headless with real Jupyter + tslab (scripts/run_notebook.py under Debian's
 * /usr/bin/python3) and returns its outputs flattened per cell, for tests and the grader.
 *
 *   CLI: npm run notebooks:run -- notebooks/setup_check.ipynb [--out executed.ipynb] [--timeout SEC] [--kernel dlvr-deno]
 *
 * The kernel starts in `cwd` (default: the notebook's folder); the dlvr-tslab launcher walks up from
 * there to the nearest project root, so a temp copy of the project runs against its own files. The kernel spec
 * is (re)installed in the user's Jupyter data dir ($JUPYTER_DATA_DIR when set: the dev tests set it).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import ts from "typescript";
import { PROJECT_ROOT, installKernels } from "./install-kernel";

export interface CellError {
  ename: string;
  evalue: string;
}

export interface ExecutedCell {
  index: number;
  id: string;
  cell_type: "code" | "markdown" | "raw";
  source: string;
  stdout: string;
  stderr: string;
  /** text/plain of execute_result and display_data outputs (tslab prints a cell's last value to stdout instead). */
  text: string;
  html: string;
  markdown: string;
  /** base64 PNGs */
  images: string[];
  error: CellError | null;
  /** the error output's traceback lines, joined */
  traceback: string;
  seconds: number;
  /** Run a second time because Deno's kernel returned no result the first time (see run_notebook.py). */
  retried: boolean;
}

export interface ExecutedNotebook {
  cells: ExecutedCell[];
  /** Wall time of the whole run, kernel start included. */
  seconds: number;
  /** Set when the run itself broke (kernel died or did not start); cells after that have no outputs. */
  fatal: string | null;
  outPath: string | null;
}

export interface RunOptions {
  cwd?: string;
  timeoutSec?: number;
  /** Keep the executed .ipynb here; otherwise it goes to a temp file that is removed. */
  outPath?: string;
  /** Kernel spec to run with instead of the notebook's own (e.g. DENO_KERNEL_NAME, "dlvr-deno"). */
  kernel?: string;
}

interface CellSummary {
  index: number;
  status: string;
  ename: string | null;
  evalue: string | null;
  timed_out: boolean;
  seconds: number;
  retried?: boolean;
}

/** Debian's Jupyter python; `python3` on PATH may be another interpreter without nbclient. */
export function jupyterPython(): string {
  if (process.env.DLVR_JUPYTER_PYTHON) return process.env.DLVR_JUPYTER_PYTHON;
  return fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

const joinText = (v: unknown): string => (Array.isArray(v) ? v.join("") : typeof v === "string" ? v : "");

/**
 * For a kernel whose error reply has no ename (plain tslab writes the error to stderr only; the kit's kernel is
 * patched to send it, see scripts/tslab-kernel-patches.cjs): recover a name and message from stderr. Compile
 * diagnostics look like "[file ]L:C - message".
 */
export function errorFromStderr(stderr: string): CellError {
  const lines = stderr.split("\n");
  const diag = lines.find((l) => /^(?:\S+ )?\d+:\d+ - /.test(l));
  if (diag) return { ename: "CompileError", evalue: diag };
  for (const l of lines) {
    const m = /^((?:[A-Za-z_$][\w$]*)?(?:Error|Exception))(?: \[[^\]]*\])?: ?(.*)$/.exec(l);
    if (m) return { ename: m[1], evalue: m[2] };
  }
  const last = lines.filter((l) => l.trim() !== "").pop() ?? "";
  return { ename: "Error", evalue: last };
}

/**
 * Deno's kernel reports a syntax error as a bare "Execution failed" (its parser's message is dropped): find the
 * message with TypeScript's parser, the same syntax Deno parses cells with. null when the source parses.
 */
export function syntaxErrorOf(source: string): CellError | null {
  const { diagnostics = [] } = ts.transpileModule(source, { reportDiagnostics: true, fileName: "cell.ts", compilerOptions: { target: ts.ScriptTarget.ES2022 } });
  const d = diagnostics.find((x) => x.category === ts.DiagnosticCategory.Error);
  if (d === undefined) return null;
  const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : null;
  const at = where ? `${where.line + 1}:${where.character + 1} - ` : "";
  return { ename: "SyntaxError", evalue: `${at}${ts.flattenDiagnosticMessageText(d.messageText, "\n")}` };
}

const DENO_NO_RESULT = "Execution failed";

function flattenCell(cell: any, index: number, summary: CellSummary | undefined, timeoutSec: number): ExecutedCell {
  const out: ExecutedCell = {
    index,
    id: cell.id ?? "",
    cell_type: cell.cell_type,
    source: joinText(cell.source),
    stdout: "",
    stderr: "",
    text: "",
    html: "",
    markdown: "",
    images: [],
    error: null,
    traceback: "",
    seconds: summary?.seconds ?? 0,
    retried: summary?.retried ?? false,
  };
  for (const o of cell.outputs ?? []) {
    if (o.output_type === "stream") {
      if (o.name === "stderr") out.stderr += joinText(o.text);
      else out.stdout += joinText(o.text);
    } else if (o.output_type === "execute_result" || o.output_type === "display_data") {
      const d = o.data ?? {};
      out.text += joinText(d["text/plain"]);
      out.html += joinText(d["text/html"]);
      out.markdown += joinText(d["text/markdown"]);
      if (d["image/png"]) out.images.push(joinText(d["image/png"]).replace(/\s/g, ""));
    } else if (o.output_type === "error") {
      out.error = { ename: o.ename, evalue: o.evalue };
      out.traceback = (o.traceback ?? []).join("\n");
    }
  }
  if (summary?.timed_out) out.error = { ename: "Timeout", evalue: `cell ran longer than ${timeoutSec}s and was interrupted` };
  else if (summary && summary.status !== "ok" && !out.error) {
    out.error = summary.status === "abort"
        ? { ename: "Aborted", evalue: "the kernel skipped this cell (it was queued behind a failed cell)" }
        : summary.ename
        ? { ename: summary.ename, evalue: summary.evalue ?? "" }
        : errorFromStderr(out.stderr);
    // Deno's reply without a result, twice in a row: name the syntax error it dropped, or say what happened.
    if (out.retried && out.error.evalue === DENO_NO_RESULT) {
      out.error = syntaxErrorOf(out.source) ??
        { ename: "Error", evalue: `${DENO_NO_RESULT} (Deno's kernel returned no result for this cell, twice; run it again, or on the tslab kernel for its message)` };
    }
  }
  return out;
}

export async function runNotebook(ipynbPath: string, opts: RunOptions = {}): Promise<ExecutedNotebook> {
  installKernels(); // cheap and idempotent: a fresh clone after `npm ci` has no kernel spec yet (tslab and Deno)
  const nbPath = path.resolve(ipynbPath);
  const timeoutSec = opts.timeoutSec ?? 120;
  const tmpDir = opts.outPath ? null : fs.mkdtempSync(path.join(os.tmpdir(), "nbrun-"));
  const outPath = opts.outPath ? path.resolve(opts.outPath) : path.join(tmpDir!, path.basename(nbPath));
  const args = [path.join(PROJECT_ROOT, "scripts", "run_notebook.py"), nbPath, "--out", outPath, "--timeout", String(Math.ceil(timeoutSec))];
  if (opts.cwd) args.push("--cwd", path.resolve(opts.cwd));
  if (opts.kernel) args.push("--kernel", opts.kernel);

  const t0 = performance.now();
  try {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(jupyterPython(), args, { stdio: ["ignore", "pipe", "pipe"] });
      let so = "";
      let se = "";
      child.stdout.on("data", (b) => (so += b));
      child.stderr.on("data", (b) => (se += b));
      child.on("error", reject);
      child.on("close", (c) => resolve({ code: c, stdout: so, stderr: se }));
    });
    const lastLine = stdout.trim().split("\n").pop() ?? "";
    let summary: { cells: CellSummary[]; fatal: string | null };
    try {
      summary = JSON.parse(lastLine);
    } catch {
      throw new Error(`run_notebook.py failed (exit ${code}) for ${ipynbPath}:\n${stderr.slice(-3000)}`);
    }
    const nb = JSON.parse(fs.readFileSync(outPath, "utf8"));
    const byIndex = new Map(summary.cells.map((c) => [c.index, c]));
    return {
      cells: nb.cells.map((c: unknown, i: number) => flattenCell(c, i, byIndex.get(i), timeoutSec)),
      seconds: (performance.now() - t0) / 1000,
      fatal: summary.fatal ? `${summary.fatal}\n${stderr.slice(-2000)}` : null,
      outPath: opts.outPath ? outPath : null,
    };
  } finally {
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const opt = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv.splice(i, 2)[1] : undefined;
  };
  const outPath = opt("--out");
  const timeout = opt("--timeout");
  const cwd = opt("--cwd");
  const kernel = opt("--kernel");
  if (argv.length !== 1) {
    console.error("usage: notebook-runner.ts NOTEBOOK.ipynb [--out FILE] [--timeout SEC] [--cwd DIR] [--kernel dlvr-tslab|dlvr-deno]");
    process.exit(2);
  }
  runNotebook(argv[0], { outPath, cwd, kernel, timeoutSec: timeout ? Number(timeout) : undefined }).then(
    (r) => {
      for (const c of r.cells.filter((c) => c.cell_type === "code")) {
        const status = c.error ? `${c.error.ename}: ${c.error.evalue}` : "ok";
        console.log(`[${c.id}] ${c.seconds.toFixed(2)}s ${status}${c.retried ? " (run twice: Deno's kernel returned no result the first time)" : ""}`);
      }
      const failed = r.cells.filter((c) => c.error).length;
      console.log(`${r.cells.length} cells, ${failed} failed, ${r.seconds.toFixed(1)}s${r.fatal ? `; FATAL ${r.fatal}` : ""}`);
      process.exit(failed || r.fatal ? 1 : 0);
    },
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
