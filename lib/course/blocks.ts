/**
 * Designated blocks (see shared conventions) and solution regions.
 *
 *   // ===================== BEGIN YOUR CODE: svm-vectorized-loss =====================
 *   // TODO: ...                                   <- kept in the student file
 *   // BEGIN SOLUTION                              <- solutions/ only: from here ...
 *   // STUB: throw new Error("TODO: svm-vectorized-loss");
 *   ...reference code...
 *   // END SOLUTION                                <- ... to here (inclusive) becomes the stub
 *   // ====================== END YOUR CODE: svm-vectorized-loss ======================
 *
 * Stub convention: inside a solution region, every line `<indent>// STUB: <code>` is a stub line. Releasing
 * replaces the region by its stub lines with the `// STUB: ` prefix removed (indentation kept), in order; a
 * region without STUB lines becomes nothing. In solutions/ the STUB lines are comments, so they never run there.
 * Banner lines are matched exactly (any number of "=", a kebab-case id); a line that mentions BEGIN/END YOUR CODE
 * in a `//` comment without matching is reported as a damaged banner.
 */
import { hashLines, normalizeLines, splitLines } from "./text";

export const BLOCK_ID_SOURCE = "[a-z0-9]+(?:-[a-z0-9]+)*";
export const BLOCK_ID_RE = new RegExp(`^${BLOCK_ID_SOURCE}$`);
const BEGIN_RE = new RegExp(`^(\\s*)// =+ BEGIN YOUR CODE: (${BLOCK_ID_SOURCE}) =+\\s*$`);
const END_RE = new RegExp(`^(\\s*)// =+ END YOUR CODE: (${BLOCK_ID_SOURCE}) =+\\s*$`);
const LOOSE_BANNER_RE = /^\s*\/\/.*\b(BEGIN|END) YOUR CODE\b/;
const SOLUTION_BEGIN_RE = /^\s*\/\/ BEGIN SOLUTION\s*$/;
const SOLUTION_END_RE = /^\s*\/\/ END SOLUTION\s*$/;
const LOOSE_SOLUTION_RE = /^\s*\/\/.*\b(BEGIN|END) SOLUTION\b/;
const STUB_RE = /^(\s*)\/\/ STUB:(?: (.*))?$/;

/** The banners of a block, as written by hand (the release never rewrites banners). */
export function bannerLines(id: string, indent = ""): [string, string] {
  return [
    `${indent}// ===================== BEGIN YOUR CODE: ${id} =====================`,
    `${indent}// ====================== END YOUR CODE: ${id} ======================`,
  ];
}

export interface BlockSpan {
  id: string;
  /** 0-based line index of the BEGIN banner. */
  begin: number;
  /** 0-based line index of the END banner. */
  end: number;
}

export interface SolutionSpan {
  blockId: string;
  begin: number;
  end: number;
  /** The stub lines (prefix removed, indentation kept). */
  stub: string[];
}

export interface ParseProblem {
  /** 1-based */
  line: number;
  message: string;
}

export interface ParsedBlocks {
  lines: string[];
  blocks: BlockSpan[];
  solutions: SolutionSpan[];
  problems: ParseProblem[];
}

/**
 * Finds the blocks of a TypeScript source (or a notebook code cell). With `solutions`, also the solution regions
 * and their stubs, and solution markers outside blocks are problems; without, solution markers are ignored.
 */
export function parseBlocks(text: string, opts: { solutions?: boolean } = {}): ParsedBlocks {
  const lines = splitLines(text);
  const blocks: BlockSpan[] = [];
  const solutions: SolutionSpan[] = [];
  const problems: ParseProblem[] = [];
  const seen = new Map<string, number>();
  let open: { id: string; begin: number } | null = null;
  let sol: { begin: number; stub: string[] } | null = null;

  lines.forEach((line, i) => {
    const n = i + 1;
    const b = BEGIN_RE.exec(line);
    const e = END_RE.exec(line);
    if (b) {
      const id = b[2];
      if (open) {
        problems.push({ line: n, message: `block "${id}" begins inside block "${open.id}" (opened on line ${open.begin + 1}); every block needs its own END banner first` });
      }
      if (seen.has(id)) problems.push({ line: n, message: `block id "${id}" is used twice (first on line ${seen.get(id)})` });
      else seen.set(id, n);
      open = { id, begin: i };
      return;
    }
    if (e) {
      const id = e[2];
      if (!open) {
        problems.push({ line: n, message: `END banner of block "${id}" has no matching BEGIN banner above it` });
      } else if (open.id !== id) {
        problems.push({ line: n, message: `END banner names "${id}" but the open block is "${open.id}" (line ${open.begin + 1})` });
        open = null;
      } else {
        if (sol) {
          problems.push({ line: sol.begin + 1, message: `BEGIN SOLUTION in block "${id}" has no END SOLUTION before the block ends` });
          sol = null;
        }
        blocks.push({ id, begin: open.begin, end: i });
        open = null;
      }
      return;
    }
    if (LOOSE_BANNER_RE.test(line)) {
      problems.push({
        line: n,
        message: `damaged block banner "${line.trim()}": a banner must read "// ===== BEGIN YOUR CODE: <id> =====" (or END) exactly; restore the original line`,
      });
      return;
    }
    if (!opts.solutions) return;
    if (SOLUTION_BEGIN_RE.test(line)) {
      if (!open) problems.push({ line: n, message: "BEGIN SOLUTION outside any designated block" });
      if (sol) problems.push({ line: n, message: `BEGIN SOLUTION inside another solution region (line ${sol.begin + 1})` });
      sol = { begin: i, stub: [] };
    } else if (SOLUTION_END_RE.test(line)) {
      if (!sol) problems.push({ line: n, message: "END SOLUTION without BEGIN SOLUTION" });
      else solutions.push({ blockId: open?.id ?? "", begin: sol.begin, end: i, stub: sol.stub });
      sol = null;
    } else if (LOOSE_SOLUTION_RE.test(line)) {
      problems.push({ line: n, message: `damaged solution marker "${line.trim()}": write exactly "// BEGIN SOLUTION" or "// END SOLUTION"` });
    } else {
      const s = STUB_RE.exec(line);
      if (s) {
        if (sol) sol.stub.push(`${s[1]}${s[2] ?? ""}`);
        else problems.push({ line: n, message: "STUB line outside a BEGIN SOLUTION / END SOLUTION region" });
      }
    }
  });
  if (sol !== null) problems.push({ line: (sol as { begin: number }).begin + 1, message: "BEGIN SOLUTION without END SOLUTION" });
  if (open !== null) {
    const o = open as { id: string; begin: number };
    problems.push({ line: o.begin + 1, message: `block "${o.id}" has no END banner` });
  }
  return { lines, blocks, solutions, problems };
}

export function formatProblems(where: string, problems: ParseProblem[]): string[] {
  return problems.map((p) => `${where}:${p.line}: ${p.message}`);
}

export class BlockError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
  }
}

/** Replaces every solution region (inclusive) by its stub. Throws BlockError listing every problem. */
export function stripSolutions(text: string, where: string): { text: string; blockIds: string[] } {
  const parsed = parseBlocks(text, { solutions: true });
  if (parsed.problems.length) throw new BlockError(formatProblems(where, parsed.problems));
  const out: string[] = [];
  let k = 0;
  for (let i = 0; i < parsed.lines.length; i++) {
    const s = parsed.solutions[k];
    if (s && i === s.begin) {
      out.push(...s.stub);
      i = s.end;
      k++;
      continue;
    }
    out.push(parsed.lines[i]);
  }
  return { text: out.join("\n") + "\n", blockIds: parsed.blocks.map((b) => b.id) };
}

export interface FrozenRegion {
  index: number;
  /** 1-based first and last line (inclusive); a region includes the banners that bound it. */
  startLine: number;
  endLine: number;
  lines: string[];
}

/**
 * The frozen text around the blocks: region 0 runs from the top of the file to the first BEGIN banner
 * (inclusive), region i from block i-1's END banner to block i's BEGIN banner, the last one to the end of file.
 */
export function frozenRegions(parsed: Pick<ParsedBlocks, "lines" | "blocks">): FrozenRegion[] {
  const regions: FrozenRegion[] = [];
  let start = 0;
  const cuts = [...parsed.blocks.map((b) => [b.begin, b.end] as const), [parsed.lines.length - 1, -1] as const];
  cuts.forEach(([until, next], index) => {
    const lines = parsed.lines.slice(start, until + 1);
    regions.push({ index, startLine: start + 1, endLine: until + 1, lines });
    start = next;
  });
  return regions;
}

/** Lines strictly between a block's banners. */
export function blockBody(parsed: Pick<ParsedBlocks, "lines">, block: BlockSpan): string[] {
  return parsed.lines.slice(block.begin + 1, block.end);
}

/** Hash of a block body that ignores blank lines and trailing whitespace: "is this still the released stub?" */
export function hashBlockBody(body: string[]): string {
  return hashLines(body.filter((l) => l.trim() !== ""));
}

export function hashFrozen(lines: string[]): string {
  return hashLines(lines);
}

export { normalizeLines };

export type BlockState = "untouched" | "todo" | "comments-only" | "code";

/** True when the text has no code left once comments are removed. */
export function onlyComments(body: string[]): boolean {
  const text = body.join("\n").replace(/\/\*[\s\S]*?\*\//g, "");
  return splitLines(text).every((l) => l.trim() === "" || l.trim().startsWith("//"));
}

/** A code line (not a comment) that still throws the TODO stub. */
export function hasTodoThrow(body: string[]): boolean {
  return body.some((l) => !l.trim().startsWith("//") && /\bthrow\b.*["'`]TODO\b/.test(l));
}

/**
 * untouched: same as released (ignoring blank lines / trailing spaces); todo: still throws the TODO stub;
 * comments-only: only comments were written (an option-2 explanation); code: work was done.
 */
export function blockState(body: string[], releasedHash: string): BlockState {
  if (hashBlockBody(body) === releasedHash) return "untouched";
  if (hasTodoThrow(body)) return "todo";
  if (onlyComments(body)) return "comments-only";
  return "code";
}
