// %% [markdown] id=setup-intro
// # Setup check
//
// Run this notebook first: **Kernel ▸ Restart & Run All**. The kernel must be
// **TypeScript (course kit)** (tslab, the default) or **TypeScript (course kit, Deno)** (top right; switch
// with **Kernel ▸ Change kernel**). If they are missing, run `bash scripts/setup.sh` in the
// project folder and start Jupyter with `npm run notebook`.
//
// The kernel runs from the **project root**, not from `notebooks/`, so imports are written relative
// to the root: `"./lib/tensor"`, `"./student_src/linear_classifier"`.

// %% id=setup-imports
import { tensor, manualSeed, randn, backendName } from "./lib/tensor";
import { showMarkdown } from "./lib/viz";
import { currentKernel } from "./lib/kernel";
console.log("kernel:", currentKernel());
console.log("kernel working directory:", process.cwd());

// %% id=setup-matmul
const a = tensor([[1, 2], [3, 4]]);
const b = tensor([[5, 6], [7, 8]]);
console.log("a @ b =", JSON.stringify(a.matmul(b).tolist()));
manualSeed(0);
const x = randn(3, 4);
console.log("randn(3, 4) shape:", JSON.stringify(x.shape));
console.log("matmul backend:", backendName());

// %% id=setup-display
showMarkdown(`**Setup OK.** Tensors work; matrix products use the *${backendName()}* backend.`);

// %% [markdown] id=setup-reload
// ## How your edits reach the notebook
//
// You write code in `student_src/*.ts` with your editor; notebooks import it.
//
// - **Re-run the import cell** after saving a file: the file that the cell imports *directly* is
//   recompiled and reloaded, no restart needed (the assignment notebooks' import cells call `latest(...)`,
//   which does this on the Deno kernel too).
// - Files that *it* imports are **not** reloaded. After editing one of those, use
//   **Kernel ▸ Restart** (about 3 s) and run the cells again.
// - On tslab, a type error anywhere in the imported files stops the import cell; the error shows the file and
//   line. Deno's kernel does not type-check: `npm run check` does (it also runs the public tests).
// - Loops written at a cell's top level run far slower than the same loop inside a function:
//   put heavy work in functions (your `student_src` files already do).
