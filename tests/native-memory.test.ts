// The native backend's memory tuning (lib/native/src/memory.c): big tensors get transparent huge pages, as
// numpy's do; TENSOR_MEMORY_TUNING=0 turns it off; results are the same either way. Each case runs in a fresh
// Node process, because the tuning is process-wide and applied when lib/tensor loads.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadNativeBackend } from "../lib/tensor/native-backend";

const ROOT = path.resolve(__dirname, "..");
const TSX = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
const loaded = loadNativeBackend();
const run = Boolean(loaded.backend) || process.env.REQUIRE_NATIVE_BACKEND === "1";
const THP = "/sys/kernel/mm/transparent_hugepage/enabled";
const thpMode = existsSync(THP) && existsSync("/proc/self/smaps_rollup") ? /\[(\w+)\]/.exec(readFileSync(THP, "utf8"))?.[1] : undefined;

// Trains a few steps of a tiny net on 64 MB of data, prints the weights' checksum and the process's huge pages.
const SCRIPT = `
import { Generator, randn, getBackend } from "./lib/tensor";
const g = new Generator("memory-test");
const X = randn([2000, 4096], { generator: g });
let W = randn([4096, 10], { generator: g }).mul_(1e-3);
for (let i = 0; i < 5; i++) W = W.sub(X.t().matmul(X.matmul(W)).mul(1e-9));
const huge = /AnonHugePages:\\s+(\\d+)/.exec(require("node:fs").readFileSync("/proc/self/smaps_rollup", "utf8"));
console.log(JSON.stringify({ sum: W.sum().item(), first: W.get(0).get(0).item(), hugeKiB: huge ? Number(huge[1]) : -1,
  tuned: (getBackend() as { memoryTuned?: boolean }).memoryTuned ?? null, backend: getBackend().name }));
`;

function child(env: Record<string, string>): { sum: number; first: number; hugeKiB: number; tuned: boolean | null; backend: string } {
  const r = spawnSync(process.execPath, [TSX, "-e", SCRIPT], {
    cwd: ROOT, encoding: "utf8", env: { ...process.env, TENSOR_QUIET: "1", TENSOR_BACKEND: "native", ...env }, timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

describe.skipIf(!run)("native memory tuning", () => {
  it("is on by default and off with TENSOR_MEMORY_TUNING=0, with bit-identical results", () => {
    const on = child({});
    const off = child({ TENSOR_MEMORY_TUNING: "0" });
    expect(on.backend).toBe("native (OpenBLAS)");
    expect(on.tuned).toBe(true);
    expect(off.tuned).toBe(false);
    expect(Object.is(on.sum, off.sum) && Object.is(on.first, off.first)).toBe(true);
    // Debian's default THP mode "madvise" gives huge pages only where asked ("always": everywhere; "never": none).
    if (thpMode === "madvise") {
      expect(on.hugeKiB, "a 64 MB tensor should get transparent huge pages").toBeGreaterThan(0);
      expect(off.hugeKiB).toBe(0);
    }
  });

  it("checks its arguments", () => {
    const m = { exports: {} as Record<string, (...a: unknown[]) => unknown> };
    process.dlopen(m, loaded.backend!.addonPath);
    expect(() => m.exports.adviseHugePages([1, 2, 3])).toThrow(/adviseHugePages: array must be a typed array, got Array/);
    expect(() => m.exports.tuneMalloc(1)).toThrow(/tuneMalloc expects 3 arguments/);
    expect(() => m.exports.tuneMalloc(-1, 1, 1)).toThrow(RangeError);
    expect(m.exports.adviseHugePages(new Float64Array(16))).toBe(false); // no whole 2 MiB page inside
  });
});
