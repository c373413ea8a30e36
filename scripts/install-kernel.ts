/**
 * Installs the Jupyter kernel specs into the project-local Jupyter dir <root>/.jupyter/share/jupyter/kernels/:
 * "dlvr-tslab" (tslab, the default) and "dlvr-deno" (Deno's kernel, scripts/deno-kernel-spec.ts); gitignored,
 * they hold absolute paths.
 * Point Jupyter at it with JUPYTER_PATH=<root>/.jupyter/share/jupyter (see jupyterEnv()).
 *
 * Usage: npm run kernel:install   (tsx scripts/install-kernel.ts)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DENO_KERNEL_NAME, denoKernelSpec } from "./deno-kernel-spec";

export const KERNEL_NAME = "dlvr-tslab";
export const KERNEL_DISPLAY_NAME = "TypeScript (course kit)";
/** This checkout (scripts/..): where the launcher lives. */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

export function jupyterDataDir(root: string = PROJECT_ROOT): string {
  return path.join(root, ".jupyter", "share", "jupyter");
}

export function kernelSpecPath(root: string = PROJECT_ROOT): string {
  return path.join(jupyterDataDir(root), "kernels", KERNEL_NAME, "kernel.json");
}

export function kernelSpec(root: string = PROJECT_ROOT): object {
  return {
    // Run through bash so a copy that lost the executable bit still works; the launcher execs tslab,
    // so Jupyter's SIGINT (interrupt) reaches the tslab process directly.
    argv: ["bash", path.join(root, "scripts", "tslab-kernel.sh"), "{connection_file}"],
    display_name: KERNEL_DISPLAY_NAME,
    language: "typescript",
  };
}

/** Writes the tslab kernel spec when missing or different; idempotent. */
export function installKernelSpec(root: string = PROJECT_ROOT): { path: string; changed: boolean } {
  return writeKernelSpec(kernelSpecPath(root), kernelSpec(root));
}

export function denoKernelSpecPath(root: string = PROJECT_ROOT): string {
  return path.join(jupyterDataDir(root), "kernels", DENO_KERNEL_NAME, "kernel.json");
}

/** Writes the Deno kernel spec when missing or different; idempotent. */
export function installDenoKernelSpec(root: string = PROJECT_ROOT): { path: string; changed: boolean } {
  return writeKernelSpec(denoKernelSpecPath(root), denoKernelSpec(root));
}

/** Writes one kernel.json when missing or different (shared by both specs). */
export function writeKernelSpec(file: string, spec: object): { path: string; changed: boolean } {
  const text = JSON.stringify(spec, null, 1) + "\n";
  const old = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null;
  if (old === text) return { path: file, changed: false };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return { path: file, changed: true };
}

/** Environment for a Jupyter process that must find the project-local kernel spec. */
export function jupyterEnv(root: string = PROJECT_ROOT, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const dirs = [jupyterDataDir(root), ...(base.JUPYTER_PATH ? base.JUPYTER_PATH.split(path.delimiter) : [])];
  return { ...base, JUPYTER_PATH: [...new Set(dirs)].join(path.delimiter) };
}

if (require.main === module) {
  const lines = [[KERNEL_NAME, installKernelSpec()], [DENO_KERNEL_NAME, installDenoKernelSpec()]] as const;
  for (const [name, { path: file, changed }] of lines) {
    console.log(`kernel spec ${name} ${changed ? "written to" : "up to date at"} ${path.relative(process.cwd(), file) || file}`);
  }
}
