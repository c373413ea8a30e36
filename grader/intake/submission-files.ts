/**
 * Finding the project inside an extracted submission and who submitted it. Everything read here is untrusted:
 * sizes are capped and fields validated.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface StudentIdentity {
  id: string;
  name: string | null;
  option: 1 | 2 | null;
  /** Assignment the submission says it is for (submission.json or the file name). */
  assignment: string | null;
  /** Where the id came from. */
  idSource: "submission.json" | "file name" | "given" | "zip hash";
  /** Identity problems, one sentence each (the zip's name and submission.json disagree on the id). */
  flags: string[];
  /** Datasets other than the default the notebooks say they ran on (submission.json `datasets`), for a note. */
  datasets: string[];
}

const ID_RE = /^[A-Za-z0-9]{1,32}$/;
/** {name}-{id}-A3-O1.zip as written by scripts/submit.ts. */
const FILE_RE = /^(.+)-([A-Za-z0-9]{1,32})-(A\d+)-O([12])(?:\.zip)?$/;

/** The directory (extractDir or one below it, at most 3 levels) holding the project files `marker` names. */
export function locateProjectRoot(extractDir: string, markers: string[]): string | null {
  let frontier = [extractDir];
  for (let depth = 0; depth <= 3 && frontier.length; depth++) {
    for (const dir of frontier) {
      if (markers.some((m) => fs.existsSync(path.join(dir, m)))) return dir;
    }
    const next: string[] = [];
    for (const dir of frontier) {
      for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (e.isDirectory() && !e.name.startsWith(".") && e.name !== "node_modules") next.push(path.join(dir, e.name));
      }
    }
    frontier = next.slice(0, 50);
  }
  return null;
}

export function readSubmissionJson(root: string | null): Record<string, unknown> | null {
  if (!root) return null;
  const file = path.join(root, "submission.json");
  try {
    if (fs.statSync(file).size > 256 * 1024) return null;
    const v = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const cleanName = (s: unknown): string | null =>
  typeof s === "string" && s.trim() ? s.normalize("NFC").replace(/[\u0000-\u001f\u007f<>`|]/g, "").trim().slice(0, 80) : null;

/** The non-default DLVR_DATASET values submission.json's `datasets` lists (at most 5, each cleaned and capped). */
function otherDatasets(v: unknown): string[] {
  if (!v || typeof v !== "object" || Array.isArray(v)) return [];
  const out: string[] = [];
  for (const list of Object.values(v as Record<string, unknown>)) {
    if (!Array.isArray(list)) continue;
    for (const d of list) {
      const c = cleanName(d);
      if (c && c !== "synthetic" && !c.startsWith("synthetic?") && !out.includes(c) && out.length < 5) out.push(c);
    }
  }
  return out;
}

/**
 * Who submitted: submission.json (written by npm run submit), else the zip's name, else a hash. When both name
 * an id and they differ, `idFrom` says which one counts (default submission.json) and the identity is flagged.
 */
export function identifyStudent(
  root: string | null, zipName: string, zipSha256: string, given?: string, idFrom: "submission.json" | "zip name" = "submission.json",
): StudentIdentity {
  const info = readSubmissionJson(root);
  const m = FILE_RE.exec(path.basename(zipName));
  const option = (v: unknown): 1 | 2 | null => (v === 1 || v === "1" ? 1 : v === 2 || v === "2" ? 2 : null);
  const assignment = typeof info?.assignment === "string" && /^A\d+$/.test(info.assignment) ? info.assignment : m ? m[3] : null;
  const flags: string[] = [];
  const base = {
    name: cleanName(info?.name) ?? (m ? m[1].replace(/_/g, " ") : null),
    option: option(info?.option) ?? (m ? option(m[4]) : null),
    assignment,
    flags,
    datasets: otherDatasets(info?.datasets),
  };
  const jsonId = typeof info?.id === "string" && ID_RE.test(info.id) ? info.id : null;
  const nameId = m ? m[2] : null;
  if (given && ID_RE.test(given)) return { ...base, id: given, idSource: "given" };
  if (jsonId !== null && nameId !== null && jsonId !== nameId) {
    const used = idFrom === "zip name" ? nameId : jsonId;
    flags.push(`id mismatch: the zip's name says student ${nameId}, submission.json says ${jsonId}; graded as ${used} (policy: the id from ${idFrom} counts)`);
    return { ...base, id: used, idSource: idFrom === "zip name" ? "file name" : "submission.json" };
  }
  if (jsonId !== null) return { ...base, id: jsonId, idSource: "submission.json" };
  if (nameId !== null) return { ...base, id: nameId, idSource: "file name" };
  return { ...base, id: `zip${zipSha256.slice(0, 16)}`, idSource: "zip hash" };
}

/**
 * The zip's base name made safe for a folder name: letters, digits, `_` and `-` only (so never a dot: the
 * grader's own files in the out folder, gradebook.csv and the like, all have one), no leading `_` or `-`.
 */
export function outputKey(zipPath: string): string {
  const base = path.basename(zipPath).replace(/\.zip$/i, "");
  const safe = base.normalize("NFC").replace(/[^\p{L}\p{N}_-]+/gu, "_").replace(/^[_-]+/, "").slice(0, 100);
  return safe || "submission";
}
