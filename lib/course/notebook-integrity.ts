/**
 * Notebooks in releases and submissions. Cells are recognised by their nbformat id (notebooks/src sources
 * give every cell that matters an explicit id). Roles:
 *   block  - a code cell holding designated-block banners: the student edits inside the blocks;
 *   answer - a markdown cell containing "YOUR ANSWER": the student writes there;
 *   submit - a cell tagged "submit" (the notebook's submission cell): the student fills in name/id/option;
 *   frozen - every other cell: its normalised source is hashed and must not change.
 * Releasing strips outputs, execution counts and cell metadata other than tags, and solution regions
 * (code: // BEGIN SOLUTION ... // END SOLUTION with stubs; markdown: <!-- BEGIN SOLUTION --> ... <!-- END SOLUTION -->).
 */
import { blockState, formatProblems, hashBlockBody, parseBlocks, stripSolutions, blockBody, BlockError } from "./blocks";
import { unifiedDiff } from "./diff";
import type { CellEntry, NotebookEntry } from "./manifest";
import type { Issue } from "./report";
import { firstLine, normalizeLines, plural, sha256, splitLines } from "./text";
import { serializeNotebook } from "./notebook-format";

export interface NbCell {
  cell_type: "code" | "markdown" | "raw";
  id?: string;
  source: string | string[];
  metadata?: { tags?: string[]; [k: string]: unknown };
  outputs?: NbOutput[];
  execution_count?: number | null;
  attachments?: unknown;
}

export interface NbOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  ename?: string;
  evalue?: string;
  data?: Record<string, unknown>;
}

export interface Notebook {
  cells: NbCell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

export const ANSWER_MARKER = "YOUR ANSWER";
export const SUBMIT_TAG = "submit";

export const cellSource = (c: NbCell): string => (Array.isArray(c.source) ? c.source.join("") : c.source ?? "");
const toSourceLines = (s: string): string[] => (s === "" ? [] : s.split(/(?<=\n)/));

export function cellRole(c: NbCell): CellEntry["role"] {
  if (c.metadata?.tags?.includes(SUBMIT_TAG)) return "submit";
  const src = cellSource(c);
  if (c.cell_type === "code" && parseBlocks(src).blocks.length > 0) return "block";
  if (c.cell_type === "markdown" && src.includes(ANSWER_MARKER)) return "answer";
  return "frozen";
}

export function parseNotebook(text: string, where: string): Notebook {
  let nb: Notebook;
  try {
    nb = JSON.parse(text);
  } catch (err) {
    throw new Error(`${where}: not a valid notebook (JSON error: ${(err as Error).message})`);
  }
  if (!nb || !Array.isArray(nb.cells)) throw new Error(`${where}: not a Jupyter notebook (no "cells" list)`);
  return nb;
}

const MD_SOL_BEGIN = /^\s*<!--\s*BEGIN SOLUTION\s*-->\s*$/;
const MD_SOL_END = /^\s*<!--\s*END SOLUTION\s*-->\s*$/;

function stripMarkdownSolutions(src: string, where: string): string {
  const out: string[] = [];
  let inSol = false;
  for (const line of splitLines(src)) {
    if (MD_SOL_BEGIN.test(line)) {
      if (inSol) throw new BlockError([`${where}: nested <!-- BEGIN SOLUTION -->`]);
      inSol = true;
    } else if (MD_SOL_END.test(line)) {
      if (!inSol) throw new BlockError([`${where}: <!-- END SOLUTION --> without BEGIN`]);
      inSol = false;
    } else if (!inSol) out.push(line);
  }
  if (inSol) throw new BlockError([`${where}: <!-- BEGIN SOLUTION --> without END`]);
  return out.join("\n");
}

/**
 * The student copy of a notebook: solutions stripped, no outputs, no execution counts, metadata reduced to tags.
 * Throws BlockError listing every problem (missing/duplicate ids, damaged banners...).
 */
export function releaseNotebook(nb: Notebook, where: string): Notebook {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const cells = nb.cells.map((c, i): NbCell => {
    const at = `${where} cell ${i + 1}${c.id ? ` (id ${c.id})` : ""}`;
    if (!c.id) problems.push(`${at}: no cell id (build notebooks with nbformat 4.5 ids: npm run notebooks:build)`);
    else if (seen.has(c.id)) problems.push(`${at}: duplicate cell id (also cell ${seen.get(c.id)})`);
    else seen.set(c.id, i + 1);
    let src = cellSource(c);
    try {
      if (c.cell_type === "code") {
        const hadTrailingNewline = src.endsWith("\n");
        src = stripSolutions(src, at).text;
        if (!hadTrailingNewline) src = src.replace(/\n$/, "");
        const parsed = parseBlocks(src);
        problems.push(...formatProblems(at, parsed.problems));
      } else if (c.cell_type === "markdown") {
        src = stripMarkdownSolutions(src, at);
      }
    } catch (err) {
      if (err instanceof BlockError) problems.push(...err.problems);
      else throw err;
    }
    const tags = c.metadata?.tags?.length ? { tags: c.metadata.tags } : {};
    const base = { cell_type: c.cell_type, id: c.id, metadata: tags, source: toSourceLines(src) } as NbCell;
    if (c.cell_type === "code") return { ...base, execution_count: null, outputs: [] };
    if (c.attachments) return { ...base, attachments: c.attachments };
    return base;
  });
  if (problems.length) throw new BlockError(problems);
  const metadata: Record<string, unknown> = {};
  for (const k of ["kernelspec", "language_info"]) if (nb.metadata?.[k] !== undefined) metadata[k] = nb.metadata[k];
  return { cells, metadata, nbformat: nb.nbformat ?? 4, nbformat_minor: nb.nbformat_minor ?? 5 };
}

export const serializeReleasedNotebook = (nb: Notebook): string => serializeNotebook(nb);

function blockRefs(src: string) {
  const parsed = parseBlocks(src);
  return parsed.blocks.map((b) => ({ id: b.id, stubSha256: hashBlockBody(blockBody(parsed, b)) }));
}

/** Manifest entry of a released notebook. */
export function notebookEntry(relPath: string, nb: Notebook): NotebookEntry {
  return {
    path: relPath,
    cells: nb.cells.map((c): CellEntry => {
      const role = cellRole(c);
      const base = { id: c.id!, cellType: c.cell_type, role };
      if (role === "frozen") {
        const source = normalizeLines(splitLines(cellSource(c)));
        return { ...base, sha256: sha256(source), source };
      }
      if (role === "block") return { ...base, blocks: blockRefs(cellSource(c)) };
      return base;
    }),
  };
}

/** Longest common subsequence of two id lists: matched index pairs. */
function alignIds(expected: string[], actual: string[]): [number, number][] {
  const n = expected.length;
  const m = actual.length;
  const w = m + 1;
  const t = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      t[i * w + j] = expected[i] === actual[j] ? t[(i + 1) * w + j + 1] + 1 : Math.max(t[(i + 1) * w + j], t[i * w + j + 1]);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (expected[i] === actual[j]) pairs.push([i++, j++]);
    else if (t[(i + 1) * w + j] >= t[i * w + j + 1]) i++;
    else j++;
  }
  return pairs;
}

const describe = (c: { cell_type: string; source: string }) => {
  const line = firstLine(c.source);
  return `${c.cell_type}${line ? `, starts with "${line}"` : ", empty"}`;
};

/**
 * Compares a submitted notebook with its release entry: added, deleted, moved or duplicated cells, edited frozen
 * cells (with a diff), changed cell types, lost block banners. Positions are 1-based.
 */
export function checkNotebookStructure(entry: NotebookEntry, nb: Notebook): Issue[] {
  const item = entry.path;
  const issues: Issue[] = [];
  const actual = nb.cells.map((c, j) => ({ ...c, pos: j + 1, key: c.id ?? `<no id #${j + 1}>`, src: cellSource(c) }));
  if (actual.length > 0 && actual.every((c) => !c.id)) {
    return [{
      level: "error", item,
      message: "the notebook has no cell ids (saved by an old Jupyter as nbformat 4.4?): open the release notebook in Jupyter Notebook >= 6.2 or JupyterLab >= 3, redo your answers there and save",
    }];
  }
  const expected = entry.cells;
  const pairs = alignIds(expected.map((c) => c.id), actual.map((c) => c.key));
  const matchedE = new Set(pairs.map(([i]) => i));
  const matchedA = new Set(pairs.map(([, j]) => j));
  const added = actual.filter((_, j) => !matchedA.has(j));
  const deleted = expected.map((c, i) => ({ ...c, pos: i + 1 })).filter((_, i) => !matchedE.has(i));
  const matchedIds = new Set(pairs.map(([i]) => expected[i].id));

  const neighbour = (i: number) => (i > 0 ? `after "${expected[i - 1].id}"` : "at the top");
  for (const a of added) {
    const gone = deleted.find((d) => d.id === a.key);
    if (gone) {
      issues.push({ level: "error", item: `${item}: cell "${a.key}"`, message: `was moved from position ${gone.pos} to ${a.pos}: move it back (${neighbour(gone.pos - 1)})` });
      deleted.splice(deleted.indexOf(gone), 1);
      continue;
    }
    if (matchedIds.has(a.key)) {
      issues.push({ level: "error", item: `${item}: cell ${a.pos}`, message: `is a copy of cell "${a.key}" (same id; ${describe({ cell_type: a.cell_type, source: a.src })}): delete this copy` });
      continue;
    }
    const h = sha256(normalizeLines(splitLines(a.src)));
    const twin = deleted.find((d) => d.role === "frozen" && d.sha256 === h);
    if (twin) {
      issues.push({
        level: "error", item: `${item}: cell ${a.pos}`,
        message: `(id "${a.key}") has the text of the deleted frozen cell "${twin.id}" but a new id: delete it and copy the original cell "${twin.id}" back from the release notebook (cells are recognised by id)`,
      });
      deleted.splice(deleted.indexOf(twin), 1);
      continue;
    }
    issues.push({
      level: "error", item: `${item}: cell ${a.pos}`,
      message: `was added (id "${a.key}", ${describe({ cell_type: a.cell_type, source: a.src })}): delete it; cells cannot be added (use a scratch notebook for experiments)`,
    });
  }
  for (const d of deleted) {
    const what = d.role === "frozen" ? `frozen ${d.cellType} cell` : `${d.role} cell`;
    const text = d.source !== undefined ? `, starts with "${firstLine(d.source)}"` : "";
    issues.push({
      level: "error", item: `${item}: cell "${d.id}"`,
      message: `${what} was deleted (it was cell ${d.pos} of ${expected.length} in the release, ${neighbour(d.pos - 1)}${text}): copy it back from the release notebook to the same place`,
    });
  }
  for (const [i, j] of pairs) {
    const e = expected[i];
    const a = actual[j];
    const where = `${item}: cell ${a.pos} "${e.id}"`;
    if (a.cell_type !== e.cellType) {
      issues.push({ level: "error", item: where, message: `changed from ${e.cellType} to ${a.cell_type}: change it back (Cell ▸ Cell Type)` });
      continue;
    }
    if (e.role === "frozen") {
      const src = normalizeLines(splitLines(a.src));
      if (sha256(src) !== e.sha256) {
        issues.push({
          level: "error", item: where,
          message: "frozen cell was edited: undo the change (only designated blocks, YOUR ANSWER cells and the submit cell may change)",
          detail: unifiedDiff(splitLines(e.source ?? ""), splitLines(src), { aLabel: `release ${e.id}`, bLabel: `yours ${e.id}` }),
        });
      }
    } else if (e.role === "block") {
      const found = parseBlocks(a.src);
      const want = (e.blocks ?? []).map((b) => b.id);
      const have = found.blocks.map((b) => b.id);
      for (const p of found.problems) issues.push({ level: "error", item: `${where} line ${p.line}`, message: p.message });
      const missing = want.filter((id) => !have.includes(id));
      if (missing.length && !found.problems.length) {
        issues.push({ level: "error", item: where, message: `lost the banners of block ${missing.map((m) => `"${m}"`).join(", ")}: restore the BEGIN/END YOUR CODE lines from the release notebook` });
      }
    }
  }
  if (!issues.length) {
    const frozen = expected.filter((c) => c.role === "frozen").length;
    issues.push({ level: "ok", item, message: `${plural(expected.length, "cell")} in release order, ${frozen} frozen cells unchanged` });
  }
  return issues;
}

export interface BlockStatus {
  id: string;
  where: string;
  state: ReturnType<typeof blockState>;
}

/** States of the blocks in a notebook's block cells (matched by id). */
export function notebookBlockStates(entry: NotebookEntry, nb: Notebook): BlockStatus[] {
  const out: BlockStatus[] = [];
  const byId = new Map(nb.cells.map((c) => [c.id, c]));
  for (const e of entry.cells.filter((c) => c.role === "block")) {
    const c = byId.get(e.id);
    if (!c) continue;
    const parsed = parseBlocks(cellSource(c));
    for (const ref of e.blocks ?? []) {
      const b = parsed.blocks.find((x) => x.id === ref.id);
      if (b) out.push({ id: ref.id, where: `${entry.path} cell "${e.id}"`, state: blockState(blockBody(parsed, b), ref.stubSha256) });
    }
  }
  return out;
}

/** An answer cell is unanswered while nothing but markup follows its last YOUR ANSWER ("**Your answer:** YOUR ANSWER"
 * as released, or a "**YOUR ANSWER:**" label with nothing under it). */
export function isUnanswered(source: string): boolean {
  const at = source.lastIndexOf(ANSWER_MARKER);
  return at >= 0 && source.slice(at + ANSWER_MARKER.length).replace(/[\s*:_>-]/g, "") === "";
}

/** Inline questions (answer cells) still unanswered: one warning each, with the cell id. */
export function checkAnswers(entry: NotebookEntry, nb: Notebook): Issue[] {
  const byId = new Map(nb.cells.map((c, j) => [c.id, { c, pos: j + 1 }]));
  const issues: Issue[] = [];
  const answers = entry.cells.filter((c) => c.role === "answer");
  for (const e of answers) {
    const hit = byId.get(e.id);
    if (hit && isUnanswered(cellSource(hit.c))) {
      issues.push({ level: "warn", item: `${entry.path}: cell ${hit.pos} "${e.id}"`, message: `inline question not answered: replace ${ANSWER_MARKER} with your answer (double-click the cell), then save` });
    }
  }
  if (answers.length && !issues.length) issues.push({ level: "ok", item: entry.path, message: `${plural(answers.length, "inline question")} answered` });
  return issues;
}

export interface ExecutionCheckOptions {
  /** mtime (ms) of the notebook file and the newest student module; a notebook saved before the last module edit is stale. */
  notebookMtimeMs?: number;
  newestModule?: { path: string; mtimeMs: number };
  /** Allowed clock slack in ms (file systems round mtimes). */
  slackMs?: number;
}

/** Was the notebook run and saved after the last code change? */
export function checkNotebookExecution(entry: NotebookEntry, nb: Notebook, opts: ExecutionCheckOptions = {}): Issue[] {
  const item = entry.path;
  const issues: Issue[] = [];
  const roles = new Map(entry.cells.map((c) => [c.id, c.role]));
  const code = nb.cells
    .map((c, j) => ({ c, pos: j + 1 }))
    .filter(({ c }) => c.cell_type === "code" && cellSource(c).trim() !== "" && roles.get(c.id ?? "") !== "submit" && !c.metadata?.tags?.includes(SUBMIT_TAG));
  const rerun = "run Kernel ▸ Restart & Run All, then save the notebook (File ▸ Save) before submitting";
  const ran = code.filter(({ c }) => typeof c.execution_count === "number");
  const withOutputs = code.filter(({ c }) => (c.outputs ?? []).length > 0);
  if (code.length > 0 && ran.length === 0 && withOutputs.length === 0) {
    issues.push({ level: "error", item, message: `saved without outputs (no code cell has run): ${rerun}` });
    return issues;
  }
  const never = code.filter(({ c }) => typeof c.execution_count !== "number");
  if (never.length) {
    const list = never.slice(0, 6).map(({ c, pos }) => `${pos} "${c.id}"`).join(", ");
    issues.push({
      level: "error", item,
      message: `${plural(never.length, "code cell")} never ran in the saved file (cell ${list}${never.length > 6 ? ", ..." : ""}): ${rerun}`,
    });
  }
  let last = 0;
  for (const { c, pos } of ran) {
    const n = c.execution_count as number;
    if (n <= last) {
      issues.push({ level: "warn", item: `${item}: cell ${pos} "${c.id}"`, message: `ran out of order (execution count ${n} after ${last}); ${rerun} so the outputs match the code` });
      break;
    }
    last = n;
  }
  for (const { c, pos } of code) {
    const err = (c.outputs ?? []).find((o) => o.output_type === "error");
    if (err) issues.push({ level: "warn", item: `${item}: cell ${pos} "${c.id}"`, message: `ended with an error: ${err.ename ?? "Error"}: ${firstLine(err.evalue ?? "", 100)}` });
  }
  if (opts.notebookMtimeMs !== undefined && opts.newestModule) {
    const slack = opts.slackMs ?? 1000;
    if (opts.newestModule.mtimeMs > opts.notebookMtimeMs + slack) {
      issues.push({
        level: "error", item,
        message: `saved before your last change to ${opts.newestModule.path}: the outputs do not show your current code; ${rerun}`,
      });
    }
  }
  if (!issues.some((i) => i.level === "error")) {
    issues.push({ level: "ok", item, message: `executed and saved (${ran.length}/${code.length} code cells ran)` });
  }
  return issues;
}

/** A student's answer to one inline question (an answer cell), as the grader copies it for the TA. */
export interface InlineAnswer {
  notebook: string;
  cellId: string;
  /** The question: the cell's text before its answer label, trimmed (what the release put there). */
  question: string;
  /** What the student wrote after the label ("" when unanswered). */
  answer: string;
}

const ANSWER_LABEL = /\*\*\s*your answer\s*:?\s*\*\*\s*:?/gi;

/** Every answer cell of a notebook with what the student wrote in it, in notebook order. */
export function inlineAnswers(entry: NotebookEntry, nb: Notebook): InlineAnswer[] {
  const byId = new Map(nb.cells.map((c) => [c.id, c]));
  return entry.cells.filter((e) => e.role === "answer").map((e) => {
    const cell = byId.get(e.id);
    const src = cell ? cellSource(cell) : "";
    const labels = [...src.matchAll(ANSWER_LABEL)];
    const cut = labels.length ? labels[labels.length - 1] : null;
    // No label left (the student wrote over it): the whole cell is the answer.
    const question = cut ? src.slice(0, cut.index).trim() : "";
    const rest = cut ? src.slice(cut.index! + cut[0].length) : src;
    return { notebook: entry.path, cellId: e.id, question, answer: isUnanswered(src) ? "" : rest.trim() };
  });
}
