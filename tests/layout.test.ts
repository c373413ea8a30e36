/**
 * The dependency direction of the tree, read from every source file's own imports:
 *   scripts/ -> grader/, lib/, solutions/;  grader/ -> lib/, solutions/ (student_src/ for types only);
 *   lib/ -> nothing outside lib/;  solutions/, student_src/ -> lib/ only;  notebooks/ -> lib/, student_src/.
 * A failure names the file, the line and the import that breaks the rule.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
const SOURCE = /\.(ts|cts|mts|cjs|mjs|js)$/;
const SKIP = /(^|\/)(node_modules|build|out|\.git)\/|^lib\/wasm\/assembly\//;

/** Which top-level folders each folder may import from (its own always allowed); `types` = type-only imports. */
const RULES: Record<string, { values: string[]; types?: string[] }> = {
  scripts: { values: ["grader", "lib", "solutions"] },
  grader: { values: ["lib", "solutions"], types: ["student_src"] },
  lib: { values: [] },
  solutions: { values: ["lib"] },
  student_src: { values: ["lib"] },
  notebooks: { values: ["lib", "student_src"] },
};

interface Use { specifier: string; line: number; typeOnly: boolean }

function importsOf(text: string, file: string): Use[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const uses: Use[] = [];
  const add = (node: ts.Node, spec: ts.Node | undefined, typeOnly: boolean) => {
    if (spec && ts.isStringLiteralLike(spec)) {
      uses.push({ specifier: spec.text, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, typeOnly });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const c = node.importClause;
      const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : undefined;
      const typeOnly = !!c && (c.isTypeOnly || (!c.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(node, node.moduleSpecifier, typeOnly);
    } else if (ts.isExportDeclaration(node)) {
      add(node, node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal, true);
    } else if (ts.isCallExpression(node)) {
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === "require";
      if (isRequire || node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return uses;
}

function walk(rel: string): string[] {
  const abs = path.join(ROOT, rel);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    const p = `${rel}/${e.name}`;
    if (SKIP.test(p + (e.isDirectory() ? "/" : ""))) return [];
    return e.isDirectory() ? walk(p) : [p];
  });
}

/** Module sources and, for notebooks, the code cells (the kernel runs them from the project root). */
function sources(): { file: string; text: string; base: string }[] {
  const out: { file: string; text: string; base: string }[] = [];
  for (const folder of Object.keys(RULES)) {
    for (const file of walk(folder)) {
      if (SOURCE.test(file)) out.push({ file, text: fs.readFileSync(path.join(ROOT, file), "utf8"), base: folder === "notebooks" ? "." : path.posix.dirname(file) });
      if (file.endsWith(".ipynb")) {
        const nb = JSON.parse(fs.readFileSync(path.join(ROOT, file), "utf8")) as { cells: { cell_type: string; source: string | string[] }[] };
        const code = nb.cells.filter((c) => c.cell_type === "code").map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source));
        out.push({ file, text: code.join("\n"), base: "." });
      }
    }
  }
  return out;
}

function violations(): string[] {
  const bad: string[] = [];
  for (const { file, text, base } of sources()) {
    const from = file.split("/")[0];
    const rule = RULES[from];
    for (const use of importsOf(text, file)) {
      if (!use.specifier.startsWith(".")) continue; // packages and node: builtins
      const target = path.posix.normalize(path.posix.join(base, use.specifier));
      const to = target.split("/")[0];
      if (to === from) continue;
      const ok = rule.values.includes(to) || (use.typeOnly && (rule.types ?? []).includes(to));
      if (!ok) bad.push(`${file}:${use.line}: ${from}/ may not import ${to === ".." ? "outside the project" : `${to}/`}${use.typeOnly ? " (type-only)" : ""}: "${use.specifier}"`);
    }
  }
  return bad;
}

describe("dependency direction", () => {
  it("every import points down: scripts -> grader -> lib", () => {
    expect(violations()).toEqual([]);
  });

  it("reads real imports: the checker sees every import form", () => {
    const uses = importsOf(
      [
        'import { a } from "../grader/x";',
        'import type { B } from "../student_src/y";',
        'import { type C } from "../student_src/z";',
        'export * from "../lib/w";',
        'const r = require("../scripts/v");',
        'const d = import("../solutions/u");',
        'let t: typeof import("../student_src/t");',
      ].join("\n"),
      "probe.ts",
    );
    expect(uses.map((u) => [u.specifier, u.typeOnly])).toEqual([
      ["../grader/x", false], ["../student_src/y", true], ["../student_src/z", true], ["../lib/w", false],
      ["../scripts/v", false], ["../solutions/u", false], ["../student_src/t", true],
    ]);
  });

  it("scripts/course is gone and nothing in lib/ or grader/ imports scripts/", () => {
    expect(fs.existsSync(path.join(ROOT, "scripts", "course"))).toBe(false);
    const upward = sources().filter((s) => /^(lib|grader)\//.test(s.file))
      .flatMap((s) => importsOf(s.text, s.file).filter((u) => path.posix.normalize(path.posix.join(s.base, u.specifier)).startsWith("scripts/")).map((u) => `${s.file}: ${u.specifier}`));
    expect(upward).toEqual([]);
  });
});
