/**
 * Static checks on student code with the TypeScript compiler API (parse only, no type checking):
 * - every module specifier (import/export ... from, import x = require(), require(), import(), import("x") types)
 *   must be allowed by the assignment;
 * - blocks marked `vectorized` should hold no loops, and no block should use its `forbiddenApis`.
 */
import * as path from "node:path";
import ts from "typescript";

export interface ImportUse {
  specifier: string;
  /** 1-based */
  line: number;
  kind: "import" | "export" | "require" | "dynamic-import" | "import-type";
}

function sourceFile(text: string, fileName: string): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

const lineOf = (sf: ts.SourceFile, pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;

export function findImports(text: string, fileName = "module.ts"): ImportUse[] {
  const sf = sourceFile(text, fileName);
  const uses: ImportUse[] = [];
  const add = (node: ts.Node, spec: ts.Expression | undefined, kind: ImportUse["kind"]) => {
    if (spec && ts.isStringLiteralLike(spec)) uses.push({ specifier: spec.text, line: lineOf(sf, node.getStart(sf)), kind });
    else if (spec) uses.push({ specifier: `<computed: ${spec.getText(sf)}>`, line: lineOf(sf, node.getStart(sf)), kind });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) add(node, node.moduleSpecifier, "import");
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier) add(node, node.moduleSpecifier, "export");
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, "require");
    } else if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0], "dynamic-import");
      else if (ts.isIdentifier(node.expression) && node.expression.text === "require") add(node, node.arguments[0], "require");
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal as ts.Expression, "import-type");
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return uses;
}

/** "../lib/tensor", "../lib/tensor/index", "../lib/tensor/index.ts" all name the same module. */
function canonicalRelative(spec: string, fromDir: string): string {
  let p = path.posix.normalize(path.posix.join(fromDir, spec));
  p = p.replace(/(\.d)?\.(ts|tsx|js|mjs|cjs|mts|cts)$/, "");
  p = p.replace(/\/index$/, "");
  return p;
}

const isRelative = (s: string) => s === "." || s === ".." || s.startsWith("./") || s.startsWith("../");

/**
 * Is `specifier`, written in `fromFile` (a project-relative posix path), allowed by `allowed`? An entry allows
 * the module itself and anything below it: "../lib/tensor" allows "../lib/tensor/index" and "../lib/tensor/io";
 * "node:fs" and "fs" are the same module.
 */
export function isAllowedImport(specifier: string, fromFile: string, allowed: string[]): boolean {
  const dir = path.posix.dirname(fromFile);
  for (const entry of allowed) {
    if (isRelative(specifier) && isRelative(entry)) {
      const s = canonicalRelative(specifier, dir);
      const a = canonicalRelative(entry, dir);
      if (s === a || s.startsWith(`${a}/`)) return true;
    } else if (!isRelative(specifier) && !isRelative(entry)) {
      const s = specifier.replace(/^node:/, "");
      const a = entry.replace(/^node:/, "");
      if (s === a || s.startsWith(`${a}/`)) return true;
    }
  }
  return false;
}

export interface ImportViolation extends ImportUse {
  message: string;
}

export function checkImports(text: string, fromFile: string, allowed: string[]): ImportViolation[] {
  return findImports(text, fromFile)
    .filter((u) => !isAllowedImport(u.specifier, fromFile, allowed))
    .map((u) => ({
      ...u,
      message: `${fromFile}:${u.line}: import of "${u.specifier}" is not allowed (allowed: ${allowed.map((a) => `"${a}"`).join(", ") || "none"}); remove it and use only the allowed modules`,
    }));
}

export interface BlockRange {
  id: string;
  /** 1-based, inclusive: the lines strictly between the banners. */
  startLine: number;
  endLine: number;
  vectorized?: boolean;
  forbiddenApis?: string[];
}

export interface ApiFinding {
  blockId: string;
  line: number;
  message: string;
}

const LOOP_KINDS = new Map<ts.SyntaxKind, string>([
  [ts.SyntaxKind.ForStatement, "for loop"],
  [ts.SyntaxKind.ForOfStatement, "for...of loop"],
  [ts.SyntaxKind.ForInStatement, "for...in loop"],
  [ts.SyntaxKind.WhileStatement, "while loop"],
  [ts.SyntaxKind.DoStatement, "do...while loop"],
]);
const LOOP_METHODS = new Set(["forEach"]);

/**
 * Loops inside `vectorized` blocks and uses of `forbiddenApis` (identifiers or property names, e.g. "relu" or
 * "Math.max" matching the property "max" of "Math") inside any block.
 */
export function findBlockApiUses(text: string, fileName: string, ranges: BlockRange[]): ApiFinding[] {
  const sf = sourceFile(text, fileName);
  const findings: ApiFinding[] = [];
  const rangeAt = (line: number) => ranges.find((r) => line >= r.startLine && line <= r.endLine);
  const visit = (node: ts.Node): void => {
    const line = lineOf(sf, node.getStart(sf));
    const r = rangeAt(line);
    if (r) {
      const loop = LOOP_KINDS.get(node.kind);
      if (r.vectorized && loop) {
        findings.push({ blockId: r.id, line, message: `block "${r.id}" must be vectorized, but has a ${loop}` });
      }
      if (r.vectorized && ts.isPropertyAccessExpression(node) && LOOP_METHODS.has(node.name.text)) {
        findings.push({ blockId: r.id, line, message: `block "${r.id}" must be vectorized, but loops with .${node.name.text}()` });
      }
      for (const api of r.forbiddenApis ?? []) {
        const parts = api.split(".");
        const last = parts[parts.length - 1];
        let hit = false;
        if (parts.length === 1) {
          hit = (ts.isIdentifier(node) && node.text === api && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node)) ||
            (ts.isPropertyAccessExpression(node) && node.name.text === api);
        } else if (ts.isPropertyAccessExpression(node) && node.name.text === last) {
          hit = node.expression.getText(sf).replace(/\s/g, "") === parts.slice(0, -1).join(".");
        }
        if (hit) findings.push({ blockId: r.id, line, message: `block "${r.id}" must not use ${api}` });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return findings;
}
