/** README.md of a student bundle, generated from the release manifest (release-only). */
import type { ReleaseManifest } from "./manifest";

/** The kernel spec setup installs (scripts/install-kernel.ts KERNEL_NAME; lib/ cannot import scripts/). */
export const STUDENT_KERNEL_NAME = "dlvr-tslab";

export function studentReadme(m: ReleaseManifest): string {
  const total = Object.values(m.blocks).reduce((s, b) => s + b.points, 0);
  const blockRows = Object.entries(m.blocks)
    .map(([id, b]) => `| \`${id}\` | \`${b.file}\` | ${b.points} | ${[b.vectorized ? "no loops" : "", ...b.forbiddenApis.map((a) => `no \`${a}\``)].filter(Boolean).join(", ")} |`)
    .join("\n");
  const modules = m.modules.map((x) => `- \`${x.path}\` (may import: ${x.allowedImports.map((a) => `\`${a}\``).join(", ") || "nothing"})`).join("\n");
  const notebooks = m.notebooks.map((n) => `- \`${n.path}\``).join("\n") || "- (none)";
  const required = m.requiredFiles.map((f) => `- \`${f}\``).join("\n") || "- (none)";
  const zipName = m.submissionFileName.replace("{name}", "Your_Name").replace("{id}", "20231234").replace("{option}", "1");
  const headless = m.notebooks.map((n) => `    jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.kernel_name=${STUDENT_KERNEL_NAME} ${n.path}`).join("\n");
  return `# ${m.assignment}: ${m.title}

## Set up (once)

    bash scripts/setup.sh        # system packages, npm packages, the Jupyter kernels (tslab and Deno)
    npm run notebook             # opens Jupyter in notebooks/

The default kernel is called \`${STUDENT_KERNEL_NAME}\` ("TypeScript (course kit)" in menus; the Deno one, below, is
\`dlvr-deno\`). Setup installs both in your Jupyter data dir, so every Jupyter front end finds them (Jupyter
Notebook, JupyterLab, VS Code: pick "TypeScript (course kit)"). Each runs the project the notebook sits in, so
several assignment folders side by side each use their own files.

Open \`notebooks/setup_check.ipynb\` first and run it (**Kernel ▸ Restart & Run All**). It says which backend
does the arithmetic: \`native (OpenBLAS)\` is as fast as numpy; \`wasm\` (no C compiler or OpenBLAS found) is about
6x slower, so install them (Debian/Ubuntu: \`sudo apt-get install build-essential libopenblas-dev\`) and run
\`npm run build:native\`. Results agree on every backend (up to rounding in the last digits).

The notebooks train on the course's embedded dataset. To try real photos, start Jupyter with
\`DLVR_DATASET=fashion-mnist npm run notebook\` (Fashion-MNIST, which the setup installs; \`DLVR_SKIP_FASHION_MNIST=1\`
skips it) or \`DLVR_DATASET=cifar10:/path/to/cifar-10-batches-bin\`. The grader always uses the embedded data, so
run the notebook on the default dataset before you submit.

### Two kernels

Setup installs two Jupyter kernels; pick one with **Kernel ▸ Change kernel** (the notebooks run unchanged on both,
and submit accepts a notebook run on either):

- **TypeScript (course kit)**: tslab, the default. It type-checks each cell and the files it imports.
- **TypeScript (course kit, Deno)**: Deno's built-in kernel (Deno comes with the npm packages). It does not
  type-check cells (\`npm run check\` does), and shows real line numbers in errors. **It runs every cell with all
  permissions** (files, network, subprocesses, native code), like any program you start yourself: it is your own
  machine and your own code, so only run notebooks you trust. After you edit a \`student_src\` file, re-running the
  notebook's import cell picks up the change on both kernels. On a very busy machine Deno's kernel can drop the last
  lines a cell prints (it waits only a few milliseconds for them); run the cell again if output looks cut short.
  A syntax error shows only as \`Execution failed\` there (Deno drops the parser's message; the same reply can,
  rarely, come for a cell that ran: run it again). \`npm run notebooks:run -- notebooks/<name>.ipynb --kernel
  dlvr-deno\` runs the notebook headless, re-runs such a cell once and prints the syntax error with its line.

## What you write

You write code **only inside the designated blocks**:

    // ===================== BEGIN YOUR CODE: some-block =====================
    // your code here
    // ====================== END YOUR CODE: some-block ======================

Everything outside the blocks is frozen: the submission is refused if it changed (whitespace at line ends does not
count). Do not edit, copy, move or delete the banner lines. Some blocks start with
\`throw new Error("TODO: ...")\`: delete that line when you write the block.

Your files:
${modules}

Notebooks (run them from Jupyter; do not add, delete or move cells; write only in code blocks and in cells that say
**YOUR ANSWER**):
${notebooks}

| block | file | points | rules |
|---|---|---|---|
${blockRows}
| **total** | | **${total}** | |

Files the notebook saves, which go into your submission:
${required}

## Run a notebook without a browser

${headless}

runs every cell and saves the outputs into the notebook (it stops at the first error and shows it; add
\`--allow-errors\` to run the cells after an error too; \`kernel_name=dlvr-deno\` runs it on Deno). \`npm run check\` and \`npm run submit\` accept a notebook run
this way like one run in Jupyter.

## Check your work

    npm run check                # the same checks as submit, plus the public tests; writes nothing
    npm test                     # only the public tests

## Submit

1. In Jupyter: **Kernel ▸ Restart & Run All**, wait for the last cell, then **File ▸ Save**.
2. Run

       npm run submit -- --name "Your Name" --id 20231234 --option 1

   (or the notebook's last cell). Option 1: you completed the assignment yourself. Option 2: you could not finish;
   explain your understanding in comments inside the unfinished blocks.
3. Upload the zip it writes, e.g. \`${zipName}\`.

The notebook's submit cell (the last one) does the same with the name and id you fill in the \`student-info\` block
at the top of the notebook.

Submit refuses, and says what to fix, when: a file or saved model is missing; code outside a block changed (it shows
a diff); a notebook cell was added, deleted, moved or a frozen cell edited; a file imports a module that is not
allowed; the notebook was saved without running every cell, or before your last code change; option 1 is claimed
while a block is still the stub.

## For TAs

Grade in the course repository (it holds the grader and the hidden tests), not in this folder:

    npm run grade -- ${zipName} --out graded/
`;
}
