// What differs between the two kernels, seen from a notebook: picking up an edited student module (lib/kernel.ts
// latest(): Deno keeps a module evaluated once, so its static import alone stays stale) and rich output
// (lib/viz/display.ts: tslab.display vs Deno.jupyter.display). Real Jupyter, both kernel specs.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runNotebook, type ExecutedNotebook } from "../scripts/notebook-runner";
import { makeProjectCopy, writeNotebook, type NotebookKernel } from "./notebook-helpers";

/** A student module that counts how often it is evaluated. */
const probeModule = (value: string) =>
  `(globalThis as { probeEvaluations?: number }).probeEvaluations = ((globalThis as { probeEvaluations?: number }).probeEvaluations ?? 0) + 1;\n`
  + `export function value(): string { return "${value}"; }\n`;

// The import cell, as the assignment notebooks write it; run three times: first, after an edit, unchanged.
const importCell = (label: string) => `
import { latest } from "./lib/kernel";
import * as probeModule from "./student_src/latest_probe";
const probe = await latest(probeModule, "student_src/latest_probe.ts");
console.log("${label}:", probe.value(), "static:", probeModule.value(), "evaluations:", (globalThis as { probeEvaluations?: number }).probeEvaluations);
`;

const SOURCE = `
// %% id=import-first
${importCell("first")}
// %% id=edit
import * as fs from "node:fs";
fs.writeFileSync("student_src/latest_probe.ts", ${JSON.stringify(probeModule("edited"))});
// %% id=import-edited
${importCell("edited")}
// %% id=import-unchanged
${importCell("unchanged")}
// %% id=display
import { encodePng, showHtml, showMarkdown, showPng, showSvg, showText } from "./lib/viz";
showHtml("<b>bold</b>");
showMarkdown("*emphasis*");
showText("plain words");
showSvg('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><title>tiny</title></svg>');
showPng(encodePng(new Uint8Array(2 * 2 * 3).fill(200), 2, 2));
${Array.from({ length: 6 }, (_, i) => `// %% id=print-${i}\nfor (let j = 0; j < 3; j++) console.log("cell ${i} line", j);\n`).join("")}`;

describe.each<[NotebookKernel, string]>([["dlvr-tslab", "tslab"], ["dlvr-deno", "deno"]])("notebook on %s", (kernel) => {
  let copy: ReturnType<typeof makeProjectCopy>;
  let run: ExecutedNotebook;
  beforeAll(async () => {
    copy = makeProjectCopy();
    fs.writeFileSync(path.join(copy.root, "student_src", "latest_probe.ts"), probeModule("original"));
    run = await runNotebook(writeNotebook(copy.root, "latest_probe", SOURCE), { timeoutSec: 60, kernel });
  });
  afterAll(() => copy?.cleanup());
  const out = (id: string) => run.cells.find((c) => c.id === id)!;

  it("runs every cell", () => {
    expect(run.fatal).toBeNull();
    expect(run.cells.filter((c) => c.error).map((c) => `${c.id}: ${c.error!.evalue}\n${c.stderr}`)).toEqual([]);
  });

  it("re-running the import cell after an edit gives the edited module through latest()", () => {
    expect(out("import-first").stdout).toMatch(/^first: original static: original evaluations: 1\n$/);
    expect(out("import-edited").stdout).toMatch(/^edited: edited static: \w+ evaluations: 2\n$/);
    expect(out("import-unchanged").stdout).toMatch(/^unchanged: edited /);
  });

  if (kernel === "dlvr-deno") {
    it("on Deno the static import stays stale and an unchanged file is not evaluated again", () => {
      expect(out("import-edited").stdout).toContain("static: original");
      expect(out("import-unchanged").stdout).toBe("unchanged: edited static: original evaluations: 2\n");
    });
  } else {
    it("on tslab the static import itself reloads", () => {
      expect(out("import-edited").stdout).toContain("static: edited");
    });
  }

  it("every line a cell prints lands in that cell (Deno may send it after the cell's idle status)", () => {
    for (let i = 0; i < 6; i++) expect(out(`print-${i}`).stdout).toBe(`cell ${i} line 0\ncell ${i} line 1\ncell ${i} line 2\n`);
  });

  it("shows HTML, Markdown, text, SVG (as HTML) and PNG through the display adapter", () => {
    const d = out("display");
    expect(d.html).toContain("<b>bold</b>");
    expect(d.html).toContain("<title>tiny</title>");
    expect(d.markdown).toBe("*emphasis*");
    expect(d.text).toContain("plain words");
    expect(d.images).toHaveLength(1);
    expect(Buffer.from(d.images[0], "base64").subarray(1, 4).toString()).toBe("PNG");
  });
});
