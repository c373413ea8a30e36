/**
 * Type-checks generated student modules in memory before the release writes them (release-only): the project's
 * tsconfig, the generated text in place of the files on disk. Stubs must compile, or students (and tslab) see
 * type errors before writing a line.
 */
import * as path from "node:path";
import ts from "typescript";

export function typecheckGenerated(root: string, files: { path: string; text: string }[]): string[] {
  const configFile = path.join(root, "tsconfig.json");
  const parsed = ts.getParsedCommandLineOfConfigFile(configFile, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  });
  if (!parsed) return [`cannot read ${configFile}`];
  const generated = new Map(files.map((f) => [path.resolve(root, f.path), f.text]));
  const host = ts.createCompilerHost(parsed.options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (f) => generated.get(path.resolve(f)) ?? readFile(f);
  host.fileExists = (f) => generated.has(path.resolve(f)) || fileExists(f);
  const program = ts.createProgram({ rootNames: [...generated.keys()], options: { ...parsed.options, noEmit: true }, host });
  const out: string[] = [];
  for (const file of generated.keys()) {
    const sf = program.getSourceFile(file);
    if (!sf) {
      out.push(`${path.relative(root, file)}: not compiled`);
      continue;
    }
    for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
      const { line, character } = sf.getLineAndCharacterOfPosition(d.start ?? 0);
      out.push(`${path.relative(root, file)}:${line + 1}:${character + 1}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
    }
  }
  return out;
}
