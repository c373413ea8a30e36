/**
 * Installs the kit's Jupyter kernel specs, "dlvr-tslab" (tslab, the default) and "dlvr-deno" (Deno's kernel,
 * scripts/deno-kernel-spec.ts), into the user's Jupyter data dir (what `jupyter --data-dir` prints:
 * $JUPYTER_DATA_DIR, else ~/.local/share/jupyter on Linux), <data dir>/kernels/<name>/, so plain `jupyter
 * notebook`, `jupyter nbconvert --execute --ExecutePreprocessor.kernel_name=dlvr-tslab` and VS Code find it with no
 * environment variable.
 *
 * A spec names no project: its launcher (a copy of scripts/tslab-kernel.sh or deno-kernel.sh kept in the kernel's folder,
 * with the scripts/kit-root.sh they source) walks up
 * from the notebook's folder to the course kit's package.json and runs that project's tslab or deno. So the A3 and A4
 * folders side by side work with one spec, and a moved folder keeps working. `kit` (the project that installed the
 * spec) is only the fallback for a notebook opened outside any kit folder.
 *
 * Usage: npm run kernel:install   (tsx scripts/install-kernel.ts)
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { denoKernelSpec } from "./deno-kernel-spec";

export const KERNEL_NAME = "dlvr-tslab";
export const KERNEL_DISPLAY_NAME = "TypeScript (course kit)";
/** This checkout (scripts/..). */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** The user's Jupyter data dir, as jupyter_core computes it (`jupyter --data-dir`). */
export function userJupyterDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JUPYTER_DATA_DIR) return path.resolve(env.JUPYTER_DATA_DIR);
  const home = env.HOME || os.homedir();
  if (process.platform === "darwin") return path.join(home, "Library", "Jupyter");
  if (process.platform === "win32") return path.join(env.APPDATA || path.join(home, "AppData", "Roaming"), "jupyter");
  return path.join(env.XDG_DATA_HOME || path.join(home, ".local", "share"), "jupyter");
}

/** A kernel spec to install: kernel.json's fields plus files copied into the kernel's folder. */
export interface KernelSpecInput {
  name: string;
  displayName: string;
  language: string;
  /** `{kernel_dir}` is replaced by the kernel's folder (files land there); `{connection_file}` is Jupyter's. */
  argv: string[];
  env?: Record<string, string>;
  /** file name in the kernel folder -> content */
  files?: Record<string, string | Buffer>;
}

export interface InstalledKernel {
  name: string;
  dir: string;
  path: string;
  changed: boolean;
}

/**
 * Writes <dataDir>/kernels/<name>/kernel.json and its files when missing or different (idempotent). Shared by
 * every kernel of the kit (a second one is installed with its own KernelSpecInput).
 */
export function installKernelSpec(spec: KernelSpecInput, dataDir: string = userJupyterDataDir()): InstalledKernel {
  const dir = path.join(dataDir, "kernels", spec.name);
  const kernelJson = {
    argv: spec.argv.map((a) => a.split("{kernel_dir}").join(dir)),
    display_name: spec.displayName,
    language: spec.language,
    ...(spec.env ? { env: spec.env } : {}),
  };
  const wanted: [string, Buffer][] = [
    ["kernel.json", Buffer.from(JSON.stringify(kernelJson, null, 1) + "\n")],
    ...Object.entries(spec.files ?? {}).map(([f, data]): [string, Buffer] => [f, Buffer.isBuffer(data) ? data : Buffer.from(data)]),
  ];
  let changed = false;
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, data] of wanted) {
    const abs = path.join(dir, file);
    if (fs.existsSync(abs) && fs.readFileSync(abs).equals(data)) continue;
    fs.writeFileSync(abs, data, { mode: file.endsWith(".sh") ? 0o755 : 0o644 });
    changed = true;
  }
  return { name: spec.name, dir, path: path.join(dir, "kernel.json"), changed };
}

/** The tslab kernel of the kit installed from `root` (its launcher walks up from the notebook; `root` is the fallback). */
export function tslabKernelSpec(root: string = PROJECT_ROOT): KernelSpecInput {
  return {
    name: KERNEL_NAME,
    displayName: KERNEL_DISPLAY_NAME,
    language: "typescript",
    // bash runs the launcher even where the copy lost its executable bit; it execs node, so Jupyter's SIGINT
    // (interrupt) reaches the kernel process directly.
    argv: ["bash", "{kernel_dir}/tslab-kernel.sh", "{connection_file}"],
    env: { DLVR_KIT_FALLBACK: root },
    // kit-root.sh: what finds the project, sourced by both launchers.
    files: Object.fromEntries(["tslab-kernel.sh", "kit-root.sh"].map((f) => [f, fs.readFileSync(path.join(root, "scripts", f))])),
  };
}

export const installTslabKernel = (root: string = PROJECT_ROOT, dataDir?: string) => installKernelSpec(tslabKernelSpec(root), dataDir);
export const installDenoKernel = (root: string = PROJECT_ROOT, dataDir?: string) => installKernelSpec(denoKernelSpec(root), dataDir);
/** Both kernels of the kit (tslab first: it is the default). */
export const installKernels = (root: string = PROJECT_ROOT, dataDir?: string) => [installTslabKernel(root, dataDir), installDenoKernel(root, dataDir)];

if (require.main === module) {
  for (const k of installKernels()) {
    console.log(`kernel spec ${k.name} ${k.changed ? "written to" : "up to date at"} ${k.dir}`);
  }
}
