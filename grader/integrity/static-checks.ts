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

/**
 * Routes to Node's built-ins (fs, child_process, ...) or to code from strings that avoid the import check
 * (process.getBuiltinModule, process.binding, createRequire, module.constructor, import()/require() of a
 * computed name, eval, Function, x.constructor.constructor):
 * blocks may use none of them. (The sandbox blocks what they would reach anyway; this says so in the feedback
 * and takes the forbidden-API penalty.)
 */
function builtinRoute(node: ts.Node): string | null {
  const unwrap = (n: ts.Node): ts.Node =>
    ts.isParenthesizedExpression(n) || ts.isAsExpression(n) || ts.isNonNullExpression(n) || ts.isTypeAssertionExpression(n) || ts.isSatisfiesExpression(n) ? unwrap(n.expression) : n;
  const text = (w: ts.Node): string => {
    const n = unwrap(w);
    return ts.isIdentifier(n) ? n.text : ts.isPropertyAccessExpression(n) ? `${text(n.expression)}.${n.name.text}` : ts.isElementAccessExpression(n) && ts.isStringLiteralLike(n.argumentExpression) ? `${text(n.expression)}.${n.argumentExpression.text}` : "?";
  };
  // require("x") and import("x") with a literal are the import check's (integrity "disallowed-import"): not charged twice.
  const literalArg = (n: ts.CallExpression | ts.NewExpression) => n.arguments?.length === 1 && ts.isStringLiteralLike(n.arguments[0]);
  if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) return literalArg(node) ? null : "import() of a computed name";
  if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
    const callee = text(node.expression);
    if (callee === "require" && literalArg(node)) return null;
    if (callee === "require" || callee.endsWith(".require")) return `${callee}()`;
    if (callee === "eval" || callee.endsWith(".eval")) return "eval() (code from a string)";
    if (callee === "Function" || callee.endsWith(".Function")) return "Function() (code from a string)";
    if (/(^|\.)constructor\.constructor$/.test(callee)) return "x.constructor.constructor() (the Function constructor)";
  }
  if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
    const name = text(node);
    const routes = ["process.getBuiltinModule", "process.binding", "process._linkedBinding", "process.dlopen", "process.mainModule", "module.constructor", "module.require", "createRequire"];
    const hit = routes.find((r) => name === r || name.endsWith(`.${r}`));
    if (hit) return hit;
    // Whatever the receiver is called (an alias of process, a cast): these names have no other use here.
    const last = name.slice(name.lastIndexOf(".") + 1);
    if (["getBuiltinModule", "_linkedBinding", "dlopen", "mainModule"].includes(last)) return `.${last}`;
  }
  if (ts.isIdentifier(node) && node.text === "createRequire") return "createRequire";
  return null;
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
    const route = r ? builtinRoute(node) : null;
    if (r && route) {
      extra.push({ blockId: r.id, line, kind: "forbidden", message: `block "${r.id}" must not reach Node's built-ins or run code from strings, but uses ${route}` });
    }
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
