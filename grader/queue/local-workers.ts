/**
 * Worker processes on this machine (`scripts/grade-worker.ts` as real child processes), for the queue's tests
 * and benchmark: started, waited for until they are ready to take jobs, their console lines collected.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

export interface LocalWorker {
  name: string;
  child: ChildProcess;
  /** Every line it printed so far (stdout and stderr). */
  lines: string[];
  /** Resolves with the exit code (or the signal's name) when it is gone. */
  exited: Promise<number | string>;
}

export interface LocalWorkerOptions {
  repoRoot: string;
  url: string;
  name: string;
  jobs?: number;
  secret?: string;
  /** More command-line flags (--lock-ms 4000 ...). */
  args?: string[];
  env?: NodeJS.ProcessEnv;
}

/**
 * Node flags that run a .ts file in this very process (the tsx CLI would run it in a child of its own, so a
 * SIGKILL meant for the worker would hit only the tsx parent).
 */
export function tsxInProcess(repoRoot: string): string[] {
  return ["--import", pathToFileURL(path.join(repoRoot, "node_modules", "tsx", "dist", "loader.mjs")).href];
}

/** Starts a worker and resolves once it has announced itself (its grading setup is loaded). */
export async function startLocalWorker(o: LocalWorkerOptions): Promise<LocalWorker> {
  const args = [...tsxInProcess(o.repoRoot), path.join(o.repoRoot, "scripts", "grade-worker.ts"), "--queue", o.url, "--name", o.name, "--jobs", String(o.jobs ?? 1),
    ...(o.secret ? ["--seed-secret", o.secret] : []), ...(o.args ?? [])];
  const child = spawn(process.execPath, args, { cwd: o.repoRoot, env: { ...process.env, TENSOR_QUIET: "1", ...o.env }, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, sig) => resolve(code ?? sig ?? "?")));
  const ready = new Promise<void>((resolve, reject) => {
    const take = (chunk: Buffer) => {
      for (const l of chunk.toString().split("\n")) {
        if (!l) continue;
        lines.push(l);
        if (l.startsWith(`[worker ${o.name}] queue `)) resolve();
      }
    };
    child.stdout!.on("data", take);
    child.stderr!.on("data", take);
    void exited.then((c) => reject(new Error(`worker ${o.name} exited (${c}) before it was ready:\n${lines.join("\n")}`)));
  });
  await ready;
  return { name: o.name, child, lines, exited };
}

/** SIGTERM, then SIGKILL after graceMs if it is still there. */
export async function stopLocalWorker(w: LocalWorker, graceMs = 30_000): Promise<number | string> {
  if (w.child.exitCode !== null || w.child.signalCode !== null) return w.exited;
  w.child.kill("SIGTERM");
  const t = setTimeout(() => w.child.kill("SIGKILL"), graceMs);
  const code = await w.exited;
  clearTimeout(t);
  return code;
}
