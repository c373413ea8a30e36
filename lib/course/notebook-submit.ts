/**
 * For the notebook's submit cell (tagged "submit"):
 *
 *   import { submitFromNotebook } from "./lib/course/notebook-submit";
 *   submitFromNotebook({ name: "Your Name", id: "20231234", option: 1 });
 *
 * It runs `scripts/submit.ts` in a child process (the kernel's working directory is the project root) and prints
 * its report; the zip is written to the project root. The child reads the notebook file as last SAVED: save the
 * notebook (File > Save) after running all cells, then run this cell. Kept dependency-free so tslab compiles it
 * quickly.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export interface NotebookSubmitInfo {
  name: string;
  id: string;
  option: 1 | 2;
  /** e.g. "A3"; default: the only release manifest in release/ */
  assignment?: string;
}

function projectRoot(start: string): string {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, "scripts", "submit.ts")) && fs.existsSync(path.join(dir, "package.json"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no project root (with scripts/submit.ts) above ${start}`);
    dir = up;
  }
}

/** Returns true when the zip was written. */
export function submitFromNotebook(info: NotebookSubmitInfo): boolean {
  if (!info.name || !info.id) {
    // Printed (not thrown) so a Run All that reaches this cell before the name is filled in leaves no error behind.
    console.log('Not submitted yet: no name or student id. Fill them in where this cell takes them from (the "student-info" block at the top of the notebook: const STUDENT = { name: "Jane Doe", id: "20231234", option: 1 }), run that cell, save the notebook, and run this cell again.');
    return false;
  }
  const root = projectRoot(process.cwd());
  const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
  const args = [tsx, path.join(root, "scripts", "submit.ts"), "--name", info.name, "--id", info.id, "--option", String(info.option)];
  if (info.assignment) args.push("--assignment", info.assignment);
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (r.stdout) console.log(r.stdout.trimEnd());
  if (r.stderr) console.log(r.stderr.trimEnd());
  if (r.error) console.log(`could not run submit: ${r.error.message}`);
  return r.status === 0;
}
