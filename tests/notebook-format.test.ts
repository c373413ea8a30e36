// Unit tests for the percent-format notebook sources and the builder (no Jupyter needed, except the
// optional cross-check against nbformat's own writer when Debian's Python has it).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildNotebooks } from "../scripts/build-notebooks";
import { buildNotebookJson, parseNotebookSource } from "../lib/course/notebook-format";

const ROOT = path.resolve(__dirname, "..");
const SAMPLE = [
  "// %% [markdown] id=intro tags=frozen,intro",
  "// # Title",
  "//",
  "// Some *text*.",
  "//",
  "",
  "// %% id=code-1",
  "const x = 1;",
  "",
  "  console.log(x); // keeps indentation",
  "",
  "",
  "// %%",
  "x + 1",
  "// %% [markdown]",
  "// tail",
].join("\n");

describe("parseNotebookSource", () => {
  it("parses markdown and code cells, ids and tags", () => {
    const cells = parseNotebookSource(SAMPLE, "demo");
    expect(cells).toEqual([
      { cell_type: "markdown", id: "intro", tags: ["frozen", "intro"], source: "# Title\n\nSome *text*." },
      { cell_type: "code", id: "code-1", tags: [], source: "const x = 1;\n\n  console.log(x); // keeps indentation" },
      { cell_type: "code", id: "demo-02", tags: [], source: "x + 1" },
      { cell_type: "markdown", id: "demo-03", tags: [], source: "tail" },
    ]);
  });

  it("accepts CRLF line endings", () => {
    expect(parseNotebookSource(SAMPLE.replace(/\n/g, "\r\n"), "demo")).toEqual(parseNotebookSource(SAMPLE, "demo"));
  });

  it("makes default ids valid even for odd notebook names", () => {
    const [cell] = parseNotebookSource("// %%\n1", "my notebook.v2");
    expect(cell.id).toBe("my-notebook-v2-00");
  });

  it("rejects invalid and duplicate ids, naming them", () => {
    expect(() => parseNotebookSource("// %% id=bad.id\n1", "n")).toThrow(/invalid cell id "bad\.id"/);
    expect(() => parseNotebookSource(`// %% id=${"a".repeat(65)}\n1`, "n")).toThrow(/invalid cell id/);
    expect(() => parseNotebookSource("// %% id=a\n1\n// %% id=a\n2", "n")).toThrow(/duplicate cell id "a".*line 1/);
    // an explicit id may collide with a default one
    expect(() => parseNotebookSource("// %%\n1\n// %% id=n-00\n2", "n")).toThrow(/duplicate cell id "n-00"/);
  });

  it("rejects malformed sources with a file:line location", () => {
    expect(() => parseNotebookSource("const x = 1;\n// %%\n", "n", "n.ts")).toThrow(/n\.ts:1: text before the first/);
    expect(() => parseNotebookSource("// %% [markdown]\n// ok\nnot a comment", "n", "n.ts")).toThrow(/n\.ts:3: markdown lines/);
    expect(() => parseNotebookSource("// %% idd=x\n1", "n", "n.ts")).toThrow(/unknown cell marker option "idd=x"/);
    expect(() => parseNotebookSource("// %% tags=a,,b\n1", "n", "n.ts")).toThrow(/empty tag/);
  });
});

describe("buildNotebookJson", () => {
  it("writes nbformat 4.5 with the course kernelspec, deterministically", () => {
    const json = buildNotebookJson(SAMPLE, "demo");
    expect(buildNotebookJson(SAMPLE, "demo")).toBe(json);
    expect(json.endsWith("}\n")).toBe(true);
    expect(json.split("\n")[1]).toBe(' "cells": ['); // 1-space indent like Jupyter
    const nb = JSON.parse(json);
    expect(nb.nbformat).toBe(4);
    expect(nb.nbformat_minor).toBe(5);
    expect(nb.metadata.kernelspec).toEqual({ name: "dlvr-tslab", display_name: "TypeScript (course kit)", language: "typescript" });
    expect(nb.metadata.language_info.name).toBe("typescript");
    expect(nb.cells[0]).toEqual({
      cell_type: "markdown",
      id: "intro",
      metadata: { tags: ["frozen", "intro"] },
      source: ["# Title\n", "\n", "Some *text*."],
    });
    expect(nb.cells[2]).toEqual({ cell_type: "code", execution_count: null, id: "demo-02", metadata: {}, outputs: [], source: ["x + 1"] });
  });

  const py = "/usr/bin/python3";
  const hasNbformat = fs.existsSync(py) && spawnSync(py, ["-c", "import nbformat"]).status === 0;
  it.skipIf(!hasNbformat)("is valid nbformat and byte-identical to what Jupyter would save", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "nbfmt-")), "demo.ipynb");
    fs.writeFileSync(file, buildNotebookJson(SAMPLE, "demo"));
    const code = "import nbformat,sys; nb=nbformat.read(sys.argv[1], as_version=4); nbformat.validate(nb); sys.stdout.write(nbformat.writes(nb)+'\\n')";
    const r = spawnSync(py, ["-c", code, file], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(fs.readFileSync(file, "utf8"));
    fs.rmSync(path.dirname(file), { recursive: true });
  });
});

describe("buildNotebooks", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  function tempNotebooks(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nbbuild-"));
    dirs.push(dir);
    fs.mkdirSync(path.join(dir, "src"));
    fs.writeFileSync(path.join(dir, "src", "one.ts"), "// %%\nconsole.log(1)\n");
    fs.writeFileSync(path.join(dir, "src", "two.ts"), SAMPLE);
    return dir;
  }

  it("builds every source, then reports nothing stale", () => {
    const dir = tempNotebooks();
    expect(buildNotebooks(dir, { check: true }).stale).toEqual(["one.ipynb", "two.ipynb"]);
    expect(buildNotebooks(dir).built).toEqual(["one.ipynb", "two.ipynb"]);
    expect(buildNotebooks(dir)).toEqual({ stale: [], built: [] });
  });

  it("--check exits 1 naming notebooks that drifted from their source, and writes nothing", () => {
    const dir = tempNotebooks();
    buildNotebooks(dir);
    fs.appendFileSync(path.join(dir, "src", "one.ts"), "// %%\nconsole.log(2)\n");
    const before = fs.readFileSync(path.join(dir, "one.ipynb"), "utf8");
    const cli = [path.join(ROOT, "node_modules", ".bin", "tsx"), path.join(ROOT, "scripts", "build-notebooks.ts")];
    const r = spawnSync(cli[0], [cli[1], "--check", "--dir", dir], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/out of date.*one\.ipynb/);
    expect(r.stderr).not.toMatch(/two\.ipynb/);
    expect(fs.readFileSync(path.join(dir, "one.ipynb"), "utf8")).toBe(before);
    expect(spawnSync(cli[0], [cli[1], "--dir", dir], { encoding: "utf8" }).status).toBe(0);
    expect(spawnSync(cli[0], [cli[1], "--check", "--dir", dir], { encoding: "utf8" }).status).toBe(0);
  });

  it("the committed notebooks match their sources (run npm run notebooks:build)", () => {
    expect(buildNotebooks(path.join(ROOT, "notebooks"), { check: true }).stale).toEqual([]);
  });
});
