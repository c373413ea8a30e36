import type { ElementwiseKernels, FloatArray, GemmBackend } from "./backend";
import { loadNativeBackend } from "./native-backend";
import { portableElementwise } from "./portable-elementwise";
import { loadWasmBackend } from "./wasm-backend";
import { naiveBackend, portableBackend } from "./portable-gemm";

/**
 * Which matmul kernel (and elementwise loops) run. The fastest available is picked on first use: native
 * (OpenBLAS and C loops) when it was built, else wasm (WebAssembly SIMD matmul), else the portable TypeScript
 * kernel; TENSOR_BACKEND=native|wasm|portable|naive or setBackend() forces one. Matmul results agree across
 * backends to floating-point rounding, elementwise results exactly; only speed differs.
 */
export type BackendName = "native" | "wasm" | "portable" | "naive";

// Load the addon (if built) at import, not at the first product: its memory tuning should cover the first big
// arrays too, such as a dataset loaded before any matmul. Never throws; without the addon nothing happens.
loadNativeBackend();

let active: GemmBackend | null = null;
let announced = false;

export function setBackend(name: BackendName): GemmBackend {
  active = resolve(name);
  return active;
}

export function getBackend(): GemmBackend {
  if (active !== null) return active;
  const forced = process.env.TENSOR_BACKEND;
  const chosen: GemmBackend = forced ? resolve(forced) : (loadNativeBackend().backend ?? loadWasmBackend().backend ?? portableBackend);
  active = chosen;
  return chosen;
}

/** Name of the active backend, e.g. "native (OpenBLAS)", "wasm (WebAssembly SIMD)" or "portable (TypeScript)". */
export function backendName(): string {
  return getBackend().name;
}

/** Names of the backends this machine can run, fastest first. */
export function availableBackends(): BackendName[] {
  const names: BackendName[] = [];
  if (loadNativeBackend().backend) names.push("native");
  if (loadWasmBackend().backend) names.push("wasm");
  names.push("portable", "naive");
  return names;
}

export function backendByName(name: BackendName): GemmBackend {
  return resolve(name);
}

function resolve(name: string): GemmBackend {
  switch (name) {
    case "portable": return portableBackend;
    case "wasm": {
      const wasm = loadWasmBackend();
      if ("reason" in wasm) throw new Error(`the wasm matmul backend is not available: ${wasm.reason}`);
      return wasm.backend;
    }
    case "naive": return naiveBackend;
    case "native": {
      const native = loadNativeBackend();
      // `"reason" in` narrows even without strictNullChecks (tslab compiles lib/ that way).
      if ("reason" in native) {
        throw new Error(`the native matmul backend is not available: ${native.reason} (run \`npm run build:native\`)`);
      }
      return native.backend;
    }
    default:
      throw new Error(`unknown matmul backend "${name}"; choose native, wasm, portable or naive`);
  }
}

/** Run one gemm on the active backend; says once which backend that is (TENSOR_QUIET=1 silences it). */
export function gemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number, a: FloatArray, b: FloatArray, c: FloatArray,
): void {
  const backend = getBackend();
  if (!announced) {
    announced = true;
    if (!process.env.TENSOR_QUIET) console.log(`[lib/tensor] matmul backend: ${backend.name}`);
  }
  backend.gemm(transA, transB, m, n, k, a, b, c);
}

/** The active backend's elementwise loops (the portable ones unless the backend brings faster ones). */
export function elementwise(): ElementwiseKernels {
  return getBackend().elementwise ?? portableElementwise;
}
