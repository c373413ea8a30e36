/**
 * Which Jupyter kernel runs this code, and the one notebook chore that differs between the two kernels the
 * course supports: picking up a student module after the student edited it.
 *
 * - tslab ("TypeScript (course kit)"): cells are compiled to CommonJS; re-running a cell that imports
 *   "./student_src/x" recompiles and reloads that file.
 * - Deno ("TypeScript (course kit, Deno)", `deno jupyter`): cells are ES modules and a module is evaluated once
 *   per kernel, so re-running the import cell returns the module as first loaded. A module URL with a new query
 *   string is a new module, which is how {@link latest} reloads it.
 *
 * Display (tslab.display.* vs Deno.jupyter.*) lives in lib/viz/display.ts. Nothing in the grader uses this file.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

export type KernelKind = "tslab" | "deno";

/** The part of Deno's global used here (lib/ compiles without Deno's types). */
export interface DenoJupyterApi {
  display(obj: unknown, options?: { raw?: boolean; update?: boolean; display_id?: string }): Promise<void>;
}

/** Deno.jupyter when running inside `deno jupyter`, else null (outside Jupyter, Deno throws on access). */
export function denoJupyter(): DenoJupyterApi | null {
  const deno = (globalThis as { Deno?: { jupyter?: DenoJupyterApi } }).Deno;
  if (deno === undefined) return null;
  try {
    return deno.jupyter ?? null;
  } catch {
    return null;
  }
}

/** The kernel this code runs in: "tslab", "deno", or null outside a notebook (tsx scripts, tests, the grader). */
export function currentKernel(): KernelKind | null {
  if (typeof (globalThis as { __tslab__?: unknown }).__tslab__ !== "undefined") return "tslab";
  if (denoJupyter() !== null) return "deno";
  return null;
}

/** Content hash of each file as last handed out by latest(), by absolute path (Deno only). */
const loadedVersions = new Map<string, { hash: string; module: unknown }>();

/**
 * The current version of a student module, for a notebook's import cell; the same cell works on both kernels:
 *
 *   import * as lcImported from "./student_src/linear_classifier";
 *   const lc = await latest(lcImported, "student_src/linear_classifier.ts");
 *
 * On tslab (and outside notebooks) this returns `imported`: tslab has just reloaded it. On Deno the first call
 * returns `imported` too; a later call after the file changed imports it again under a new URL
 * (`...linear_classifier.ts?v=<hash>`), so the notebook sees the edit without a kernel restart. As on tslab,
 * only this file is reloaded, not the files it imports. `file` is relative to the project root (the kernel's
 * working directory).
 */
export async function latest<T>(imported: T, file: string): Promise<T> {
  if (currentKernel() !== "deno") return imported;
  const abs = path.resolve(file);
  const hash = createHash("sha256").update(fs.readFileSync(abs)).digest("hex").slice(0, 16);
  const seen = loadedVersions.get(abs);
  if (seen === undefined) {
    // First call: the cell's static import has just evaluated this very content.
    loadedVersions.set(abs, { hash, module: imported });
    return imported;
  }
  if (seen.hash === hash) return seen.module as T;
  // A computed specifier keeps bundlers and tslab's compiler from following it; only Deno runs this line.
  const url = `${pathToFileURL(abs).href}?v=${hash}`;
  const module = (await import(url)) as T;
  loadedVersions.set(abs, { hash, module });
  return module;
}
