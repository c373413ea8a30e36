/**
 * The second Jupyter kernel spec, "dlvr-deno": Deno's built-in kernel (from the `deno` npm package) started
 * through scripts/deno-kernel.sh. scripts/install-kernel.ts installs it next to the tslab spec with the same
 * installKernelSpec(): a copy of the launcher sits in the kernel's folder and walks up from the notebook's folder
 * to the course kit, so the spec names no project (`root` is only the fallback).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { KernelSpecInput } from "./install-kernel";

export const DENO_KERNEL_NAME = "dlvr-deno";
export const DENO_KERNEL_DISPLAY_NAME = "TypeScript (course kit, Deno)";

export function denoKernelSpec(root: string): KernelSpecInput {
  return {
    name: DENO_KERNEL_NAME,
    displayName: DENO_KERNEL_DISPLAY_NAME,
    language: "typescript",
    // Through bash like the tslab spec; the launcher execs deno, so Jupyter's interrupts reach it directly.
    argv: ["bash", "{kernel_dir}/deno-kernel.sh", "{connection_file}"],
    env: { DLVR_KIT_FALLBACK: root },
    // kit-root.sh: what finds the project, sourced by both launchers.
    files: Object.fromEntries(["deno-kernel.sh", "kit-root.sh"].map((f) => [f, fs.readFileSync(path.join(root, "scripts", f))])),
  };
}
