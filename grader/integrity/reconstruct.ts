/**
 * The student module as graded: the released frozen text (from the manifest) with the student's block bodies
 * put back in, like nbgrader restoring locked cells. Edits outside the blocks are reported by the integrity
 * checks and have no effect on the hidden tests. When the banners are damaged (the blocks cannot be found),
 * the file is graded as submitted.
 */
import { blockBody, parseBlocks } from "../../lib/course/blocks";
import type { ModuleEntry } from "../../lib/course/manifest";

export interface GradedModule {
  path: string;
  text: string;
  /** True when the frozen text was restored from the release. */
  restored: boolean;
  /** Why not restored. */
  reason?: string;
  /** 1-based first/last body line of every block in `text`. */
  blockLines: { id: string; startLine: number; endLine: number }[];
}

export function reconstructModule(studentText: string, mod: ModuleEntry): GradedModule {
  const parsed = parseBlocks(studentText);
  const want = mod.blocks.map((b) => b.id);
  const have = parsed.blocks.map((b) => b.id);
  const lines = (p: ReturnType<typeof parseBlocks>) => p.blocks.map((b) => ({ id: b.id, startLine: b.begin + 2, endLine: b.end }));
  if (parsed.problems.length || want.length !== have.length || want.some((id, i) => id !== have[i]) || mod.frozen.length !== want.length + 1) {
    return { path: mod.path, text: studentText, restored: false, reason: "the block banners are damaged, so the file is graded as submitted", blockLines: lines(parsed) };
  }
  const out: string[] = [];
  mod.frozen.forEach((region, i) => {
    out.push(region.text);
    if (i < parsed.blocks.length) out.push(...blockBody(parsed, parsed.blocks[i]));
  });
  const text = `${out.join("\n")}\n`;
  return { path: mod.path, text, restored: true, blockLines: lines(parseBlocks(text)) };
}

/** Replaces one block's body (e.g. one that does not compile) by a line that throws. */
export function disableBlock(text: string, blockId: string, message: string): string {
  const parsed = parseBlocks(text);
  const b = parsed.blocks.find((x) => x.id === blockId);
  if (!b) return text;
  const indent = /^\s*/.exec(parsed.lines[b.begin])?.[0] ?? "";
  const lines = [...parsed.lines.slice(0, b.begin + 1), `${indent}throw new Error(${JSON.stringify(message)});`, ...parsed.lines.slice(b.end)];
  return `${lines.join("\n")}\n`;
}

const SOLUTION_LINE = /^\s*\/\/ (BEGIN SOLUTION|END SOLUTION)\s*$|^\s*\/\/ STUB:/;

/** The reference code of every block of a solutions/ file: its body without the solution markers and stub lines. */
export function solutionBodies(solutionText: string): Map<string, string[]> {
  const parsed = parseBlocks(solutionText);
  return new Map(parsed.blocks.map((b) => [b.id, blockBody(parsed, b).filter((l) => !SOLUTION_LINE.test(l))]));
}

/**
 * The graded module with the reference body in every block but `keep` (one bug costs once: a block's tests run
 * with the reference standing in for the others). `mark(id)` is a statement put first in each reference body
 * (the runner records which references actually ran). Blocks without a reference body keep the student's.
 */
export function withReferenceBodies(text: string, bodies: Map<string, string[]>, keep: string | null, mark: (id: string) => string): string {
  const parsed = parseBlocks(text);
  const out: string[] = [];
  let at = 0;
  for (const b of parsed.blocks) {
    out.push(...parsed.lines.slice(at, b.begin + 1));
    const ref = bodies.get(b.id);
    if (b.id === keep || !ref) out.push(...blockBody(parsed, b));
    else out.push(`${/^\s*/.exec(parsed.lines[b.begin])?.[0] ?? ""}${mark(b.id)}`, ...ref);
    at = b.end;
  }
  out.push(...parsed.lines.slice(at));
  return out.join("\n");
}

/** Same block bodies, ignoring blank lines, comments on their own line and trailing whitespace. */
export function sameBody(a: string[], b: string[]): boolean {
  const norm = (ls: string[]) => ls.map((l) => l.trimEnd()).filter((l) => l.trim() !== "" && !/^\s*\/\//.test(l)).join("\n");
  return norm(a) === norm(b);
}
