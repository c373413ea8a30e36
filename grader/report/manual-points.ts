/**
 * What a TA typed into gradebook.csv: the points in the `question:<cell id>` columns, by submission. Every run
 * rewrites gradebook.csv from the results, so the batch reads these first and writes them back (gradebook.ts).
 * The file may come back from a spreadsheet: a byte-order mark, CRLF line ends, other quoting, reordered or
 * added columns are all fine; only the `submission` column and the question columns are read.
 */
import * as fs from "node:fs";
import { parse } from "csv-parse/sync";

export const QUESTION_PREFIX = "question:";

/** submission key -> question column -> the TA's text (non-empty cells only). */
export type ManualPoints = Map<string, Map<string, string>>;

export interface ManualPointsRead {
  points: ManualPoints;
  /** Every question column of the file, in its order (kept even where no cell is filled yet). */
  columns: string[];
}

/** Parses a gradebook; throws with the parser's line and reason when it is not CSV with a `submission` column. */
export function parseManualPoints(text: string): ManualPointsRead {
  const records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
  const head = records[0] ?? [];
  const keyAt = head.indexOf("submission");
  if (keyAt < 0) throw new Error("it has no `submission` column");
  const columns = head.filter((h) => h.startsWith(QUESTION_PREFIX));
  const points: ManualPoints = new Map();
  for (const rec of records.slice(1)) {
    const key = rec[keyAt] ?? "";
    if (!key) continue;
    for (const [i, h] of head.entries()) {
      const v = (rec[i] ?? "").trim();
      if (!h.startsWith(QUESTION_PREFIX) || v === "") continue;
      const row = points.get(key) ?? new Map<string, string>();
      row.set(h, v);
      points.set(key, row);
    }
  }
  return { points, columns };
}

/** Entries of `points` whose submission is not among `keys` (they would be dropped from the new gradebook). */
export function orphanedPoints(points: ManualPoints, keys: Set<string>): string[] {
  const out: string[] = [];
  for (const [key, row] of points) if (!keys.has(key)) for (const [col, v] of row) out.push(`${key} ${col}=${v}`);
  return out;
}

/** Where the previous gradebook goes when the new one would lose something the TA typed. */
export const PREVIOUS_GRADEBOOK = "gradebook.previous.csv";

/**
 * The TA's entries in the gradebook about to be rewritten (none when there is no file yet). When some cannot
 * be carried over (the file does not parse, or names submissions no longer in the out folder), the old file is
 * kept as gradebook.previous.csv next to it and `warn` says what and where.
 */
export function previousManualPoints(file: string, keys: Set<string>, warn: (line: string) => void): ManualPointsRead | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const keep = () => {
    const backup = file.replace(/gradebook\.csv$/, PREVIOUS_GRADEBOOK);
    fs.copyFileSync(file, backup);
    return backup;
  };
  let read: ManualPointsRead;
  try {
    read = parseManualPoints(text);
  } catch (e) {
    warn(`[grade] gradebook.csv could not be read back (${(e as Error).message}); TA entries in it are not carried over: the file is kept as ${keep()}`);
    return undefined;
  }
  const orphans = orphanedPoints(read.points, keys);
  if (orphans.length > 0) {
    warn(`[grade] gradebook.csv has TA entries for ${orphans.length === 1 ? "a submission" : "submissions"} no longer in the out folder (${orphans.slice(0, 5).join("; ")}${orphans.length > 5 ? "; ..." : ""}); the file is kept as ${keep()}`);
  }
  return read;
}
