/**
 * The second Jupyter kernel spec, "dlvr-deno": Deno's built-in kernel (from the `deno` npm package) started
 * through scripts/deno-kernel.sh. scripts/install-kernel.ts writes it next to the tslab spec.
 */
import * as path from "node:path";

export const DENO_KERNEL_NAME = "dlvr-deno";
export const DENO_KERNEL_DISPLAY_NAME = "TypeScript (course kit, Deno)";

export function denoKernelSpec(root: string): object {
  return {
    // Through bash like the tslab spec; the launcher execs deno, so Jupyter's interrupts reach it directly.
    argv: ["bash", path.join(root, "scripts", "deno-kernel.sh"), "{connection_file}"],
    display_name: DENO_KERNEL_DISPLAY_NAME,
    language: "typescript",
  };
}
