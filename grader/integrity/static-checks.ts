/**
 * Static checks of the graded blocks with the TypeScript compiler API (lib/course/imports.ts
 * findBlockApiUses finds loops and forbidden APIs; this adds what the grader enforces on top):
 *  - `vectorized` blocks: no for/while/do loops and no per-element array iteration (.forEach, .map, .reduce,
 *    ..., Array.from with a function). A for...of or .map over an array literal (`[W1, W2].map(...)`) walks a
 *    fixed handful of parameters, not the examples, and is allowed.
 *  - `forbiddenApis`: identifiers or dotted names a block must not use (e.g. a ready-made "relu").
 */
import ts from "typescript";
import { findBlockApiUses, type BlockRange } from "../../lib/course/imports";
import type { BlockInfo } from "../../lib/course/manifest";

export interface StaticFinding {
  blockId: string;
  /** 1-based line in the graded module. */
  line: number;
  kind: "loop" | "forbidden";
  message: string;
}

const ITERATION_METHODS = new Set(["map", "reduce", "reduceRight", "filter", "flatMap", "some", "every", "find", "findIndex"]);

function lineOf(sf: ts.SourceFile, node: ts.Node): number {
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}

export function staticChecks(
  text: string, fileName: string, blockLines: { id: string; startLine: number; endLine: number }[], blocks: Record<string, BlockInfo>,
): StaticFinding[] {
  const ranges: BlockRange[] = blockLines.map((b) => ({
    ...b, vectorized: blocks[b.id]?.vectorized ?? false, forbiddenApis: blocks[b.id]?.forbiddenApis ?? [],
  }));
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const rangeAt = (line: number) => ranges.find((r) => line >= r.startLine && line <= r.endLine);
  const exemptLoopLines = new Set<number>();
  const extra: StaticFinding[] = [];
  const visit = (node: ts.Node): void => {
    const line = lineOf(sf, node);
    const r = rangeAt(line);
    if (r?.vectorized) {
      if (ts.isForOfStatement(node) && ts.isArrayLiteralExpression(node.expression)) exemptLoopLines.add(line);
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const name = node.expression.name.text;
        const receiver = node.expression.expression;
        if (ITERATION_METHODS.has(name) && !ts.isArrayLiteralExpression(receiver)) {
          extra.push({ blockId: r.id, line, kind: "loop", message: `block "${r.id}" must be vectorized, but loops with .${name}()` });
        }
        if (name === "from" && ts.isIdentifier(receiver) && receiver.text === "Array" && node.arguments.length >= 2) {
          extra.push({ blockId: r.id, line, kind: "loop", message: `block "${r.id}" must be vectorized, but loops with Array.from(..., fn)` });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  const found: StaticFinding[] = findBlockApiUses(text, fileName, ranges)
    .filter((f) => !(f.message.includes("for...of loop") && exemptLoopLines.has(f.line)))
    .map((f) => ({ blockId: f.blockId, line: f.line, kind: f.message.includes("must not use") ? "forbidden" : "loop", message: f.message }));
  const all = [...found, ...extra];
  const seen = new Set<string>();
  return all
    .filter((f) => {
      const k = `${f.line}:${f.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => a.line - b.line || (a.message < b.message ? -1 : 1));
}
