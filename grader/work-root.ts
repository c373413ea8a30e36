/**
 * The batch's temporary work folder (extracted submissions, build stages, job dirs) and the clean-up of ones a
 * killed grader left behind.
 *
 * Mode: 0700 when the grader runs as an ordinary user (the sandbox runs as that same user). When the grader is
 * root the jobs run as uid 65534, which must be able to reach its job dir, so the work folder is 0711: others
 * may pass through it to a path they already know (random mkdtemp names) but cannot list it; the extracted
 * submissions inside stay 0700 (grade-submission.ts), only the job dirs are 0755.
 * Each work folder holds `owner.pid`; on start, a `dlvr-grade-XXXXXX` folder whose owner is no longer alive
 * (or, without an owner file, that is older than STALE_MS) is removed.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const PREFIX = "dlvr-grade-";
const OWNER_FILE = "owner.pid";
const STALE_MS = 10 * 60 * 1000;
const isRoot = () => process.getuid?.() === 0;

/** Mode for the grader's private folders that a job run as uid 65534 must still pass through. */
export const passThroughMode = (): number => (isRoot() ? 0o711 : 0o700);

/** A killed grader whose parent died too stays a zombie until init reaps it, and some container inits never do:
 * signal 0 still reaches a zombie, so /proc's state says whether it is one. */
function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
  } catch {
    return false; // no /proc (macOS): signal 0 decides
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes work folders of graders that died (SIGKILL leaves them behind); returns the removed paths. */
export function removeStaleWorkRoots(tmp = os.tmpdir(), now = Date.now()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(tmp);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!/^dlvr-grade-[A-Za-z0-9]{6}$/.test(name)) continue;
    const dir = path.join(tmp, name);
    try {
      const st = fs.lstatSync(dir);
      if (!st.isDirectory() || (process.getuid && st.uid !== process.getuid())) continue;
      let stale: boolean;
      try {
        const pid = Number(fs.readFileSync(path.join(dir, OWNER_FILE), "utf8").trim());
        stale = !(Number.isInteger(pid) && pid > 0 && alive(pid));
      } catch {
        stale = now - st.mtimeMs > STALE_MS;
      }
      if (stale) {
        fs.rmSync(dir, { recursive: true, force: true });
        removed.push(dir);
      }
    } catch {
      // raced with its owner or another grader: leave it
    }
  }
  return removed;
}

/** A fresh work folder for this process. */
export function makeWorkRoot(tmp = os.tmpdir()): string {
  const dir = fs.mkdtempSync(path.join(tmp, PREFIX));
  fs.chmodSync(dir, passThroughMode());
  fs.writeFileSync(path.join(dir, OWNER_FILE), `${process.pid}\n`, { mode: 0o600 });
  return dir;
}
