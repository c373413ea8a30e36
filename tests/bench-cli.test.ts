// The benchmark CLI and its numpy helper, run for real with one short round (no timing is asserted: the
// numbers are for people, the tests check that every promised row and ratio is printed).
import { execFile, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadNativeBackend } from "../lib/tensor/native-backend";

const ROOT = path.resolve(__dirname, "..");
const TSX = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
const PYTHON = "/usr/bin/python3";
const hasNumpy = existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import numpy"]).status === 0;
const hasTorch = hasNumpy && spawnSync(PYTHON, ["-c", "import torch"]).status === 0;
const PEERS = [...(hasNumpy ? ["numpy"] : []), ...(hasTorch ? ["torch"] : [])];
const hasNative = Boolean(loadNativeBackend().backend);

/** Runs the bench CLI (asynchronously, so vitest's worker stays responsive during long runs). */
function bench(args: string[], timeoutMs = 110_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TSX, "--single-threaded-gc", "scripts/bench.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, TENSOR_QUIET: "1" },
      timeout: timeoutMs,
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => { out += d.toString(); });
    child.stderr.on("data", (d: Buffer) => { out += d.toString(); });
    child.on("close", (code) => resolve({ code, out }));
  });
}

describe("npm run bench", () => {
  it.skipIf(!hasNumpy)("prints the softmax rows for both dtypes with every backend, its ratio to each peer and the kernels every side used", async () => {
    const backends = hasNative ? "native,portable" : "portable";
    const { code, out } = await bench(["--only", "softmax", "--repeat", "1", "--rounds", "2", "--threads", "1", "--backends", backends, "--spell-wait", "20"]);
    expect(code, out).toBe(0);
    expect(out).toMatch(/best of 2 interleaved rounds/);
    const n = backends.split(",").length;
    const header = out.split("\n").find((l) => l.startsWith("workload"));
    for (const p of PEERS) expect(header, out).toContain(`${backends.split(",")[0]}/${p}`);
    for (const dtype of ["float64", "float32"]) {
      const row = out.split("\n").find((l) => l.startsWith("softmax loss+grad N=500 D=3073 C=10") && l.includes(dtype));
      expect(row, `${dtype} row in:\n${out}`).toBeDefined();
      // name, dtype, one time per backend and per peer, one ratio per backend and peer: all positive numbers.
      const numbers = row!.replace("softmax loss+grad N=500 D=3073 C=10", "").replace(dtype, "").trim().split(/\s+/).map(Number);
      expect(numbers).toHaveLength(n + PEERS.length + n * PEERS.length);
      for (const x of numbers) expect(x).toBeGreaterThan(0);
    }
    for (const p of PEERS) expect(out).toMatch(new RegExp(`summary: worst ratio to ${p}: ${backends.split(",")[0]} \\d+\\.\\d\\dx`));
    // Every side runs with the same environment and thread count, and each says which OpenBLAS kernel it got.
    expect(out).toMatch(/environment for every side: .*; 1 OpenBLAS threads/);
    const kernelLine = (side: string) => out.split("\n").find((l) => l.trimStart().startsWith(`${side} `));
    const core = (line: string | undefined) => /OpenBLAS \S+ .*?(\S+) MAX_THREADS/.exec(line ?? "")?.[1];
    for (const p of PEERS) {
      expect(kernelLine(p), out).toMatch(/OpenBLAS .*, 1 BLAS threads, \/.*blas/);
      if (hasNative) expect(core(kernelLine(p)), out).toBe(core(kernelLine("native")));
    }
    if (hasNative) expect(kernelLine("native"), out).toMatch(/, 1 BLAS threads, /);
    // The slow-spell probe: its calm reading first, and how many of the 2 rounds x 2 rows overlapped a spell last.
    expect(out).toMatch(/^spell probe: a cache line's round trip between two threads takes \d+ ns now; .* \(20 s in all\)$/m);
    const spells = /^summary: spell probe \(calm round trip \d+ ns\): (\d+) of (\d+) workload rounds overlapped a slow spell/m.exec(out);
    expect(spells, out).toBeTruthy();
    expect(Number(spells![2])).toBe(4);
    expect(Number(spells![1])).toBeLessThanOrEqual(4);
  });

  it.skipIf(!hasNumpy)("prints the end-to-end rows with wall and system time per side and the ratios, every round cold", async () => {
    const backend = hasNative ? "native" : "portable";
    const { code, out } = await bench(["--only", "e2e", "--e2e-scale", "0.004", "--e2e-rounds", "2", "--show-rounds", "--backends", backend, "--spell-wait", "60"], 400_000);
    expect(code, out).toBe(0);
    expect(out).toMatch(/End to end: the course recipe with iterations x 0\.004 \(--full-recipe for all\)/);
    for (const row of ["softmax grid", "two-layer grid"]) {
      const line = out.split("\n").find((l) => l.startsWith(row));
      expect(line, out).toBeDefined();
      // wall / system seconds for the backend with and without --single-threaded-gc and for each peer, then ratios.
      const pairs = [...line!.matchAll(/(\d+\.\d\d) \/ (\d+\.\d\d)/g)];
      expect(pairs).toHaveLength(2 + PEERS.length);
      for (const [, wall] of pairs) expect(Number(wall)).toBeGreaterThan(0);
      const ratios = line!.slice(pairs[pairs.length - 1].index! + pairs[pairs.length - 1][0].length).trim().split(/\s+/).map(Number);
      expect(ratios).toHaveLength(2 * PEERS.length);
      for (const r of ratios) expect(r).toBeGreaterThan(0);
      // Each side's figure is its fastest round (a spell only slows a run), and the row names the sides whose
      // fastest round overlapped a spell.
      const sides = [backend, `${backend}-plain`, ...PEERS];
      const flagged: string[] = [], either: string[] = [];
      for (const [i, side] of sides.entries()) {
        const rounds = [1, 2].map((r) => {
          const roundLine = out.split("\n").find((l) => l.includes(`${row} round ${r}:`)) ?? "";
          const m = roundLine.match(new RegExp(`(?:^|, |: )${side} (\\d+\\.\\d\\d) s wall [\\d.]+ s sys \\d+ faults( \\[spell: [^\\]]+\\])?`));
          expect(m, `${side} in ${row} round ${r}:\n${out}`).toBeTruthy();
          return { wall: Number(m![1]), marked: m![2] !== undefined };
        });
        expect(Number(pairs[i][1]), `${side} in ${row}`).toBe(Math.min(rounds[0].wall, rounds[1].wall));
        // Rounds tied at two decimals: either may be the fastest.
        if (rounds[0].wall === rounds[1].wall) {
          if (rounds[0].marked || rounds[1].marked) either.push(side);
        } else if ((rounds[1].wall < rounds[0].wall ? rounds[1] : rounds[0]).marked) flagged.push(side);
      }
      const flagLine = out.split("\n").find((l) => l.startsWith(`  ${row}: the fastest round of `));
      const named = / the fastest round of (.*) overlapped a slow spell: its ratios may not compare like with like$/.exec(flagLine ?? "")?.[1].split(", ") ?? [];
      if (flagLine !== undefined) expect(named.length, flagLine).toBeGreaterThan(0);
      for (const side of flagged) expect(named, out).toContain(side);
      for (const side of named) expect([...flagged, ...either], out).toContain(side);
    }
    for (const p of PEERS) expect(out).toMatch(new RegExp(`summary: worst ratio to ${p}: ${backend} e2e \\d+\\.\\d\\dx, ${backend}-plain e2e`));
    // Each peer runs every round in a fresh helper, cold like the Node children: its second round page-faults
    // in its first batches and predictions as the first did (thousands), where a helper kept alive reuses its
    // memory and faults almost never (0-300 in the old bench), and best-of-rounds compared warm with cold.
    const spreads = new Map<string, number>();
    for (const row of ["softmax grid", "two-layer grid"]) {
      const faults = (round: number, side: string) => {
        const line = out.split("\n").find((l) => l.includes(`${row} round ${round}:`));
        const m = line?.match(new RegExp(`(?:^|, |: )${side} [\\d.]+ s wall [\\d.]+ s sys (\\d+) faults`));
        expect(m, `${side} in ${row} round ${round}:\n${out}`).toBeTruthy();
        return Number(m![1]);
      };
      // Every side's spread of rounds, and the summary's verdict on it (calm, or the side that varied most).
      const spreadLine = out.split("\n").find((l) => l.startsWith(`  ${row} spread (slowest / fastest round): `));
      expect(spreadLine, out).toBeDefined();
      for (const side of [backend, `${backend}-plain`, ...PEERS]) {
        const m = spreadLine!.match(new RegExp(`(?:: |, )${side} (\\d+\\.\\d\\d)(?:,|$)`));
        expect(m, spreadLine).toBeTruthy();
        spreads.set(side, Math.max(spreads.get(side) ?? 0, Number(m![1])));
      }
      for (const p of PEERS) {
        expect(faults(1, p), out).toBeGreaterThan(1000);
        expect(faults(2, p), out).toBeGreaterThan(faults(1, p) / 4);
      }
    }
    // Every run was bracketed by the probe: 2 rows x 2 rounds x the sides; a run it read as a spell is marked in
    // its round line, and a side's ratio comes from its fastest round, flagged when that one was marked.
    const sides = 2 + PEERS.length;
    const spellLine = /^summary: spell probe \(calm round trip \d+ ns\): (\d+) of (\d+) end-to-end runs overlapped a slow spell(.*)$/m.exec(out);
    expect(spellLine, out).toBeTruthy();
    expect(Number(spellLine![2])).toBe(2 * 2 * sides);
    const marks = out.split("\n").filter((l) => / round \d: /.test(l)).join("\n").match(/\[spell: (\d+|-) \/ (\d+|-) ns\]/g) ?? [];
    expect(marks.length, out).toBe(Number(spellLine![1]));
    expect(spellLine![3]).toMatch(/; (every end-to-end side's fastest round was calm in every row|an end-to-end side's fastest round overlapped a spell in .*: rerun those rows)$/);
    const [worstSide, worstSpread] = [...spreads].reduce((a, b) => (b[1] > a[1] ? b : a));
    if (worstSpread <= 1.5) expect(out).toContain(`summary: end-to-end rounds agreed within ${worstSpread.toFixed(2)}x per side (calm run)`);
    else {
      // Sides tied at two decimals may be named either way.
      const named = [...spreads].filter(([, v]) => v === worstSpread).map(([side]) => side);
      expect(named.some((side) => out.includes(`summary: noisy run: ${side}'s own end-to-end rounds differed by ${worstSpread.toFixed(2)}x;`)), `${worstSide}\n${out}`).toBe(true);
    }
  }, 420_000); // 8 processes each build the 8,000 x 3,073 data set: ~40 s idle, ~200 s on a loaded 2-core VM

  it("prints the workload rows without peers when asked", async () => {
    const { code, out } = await bench(["--only", "net", "--repeat", "1", "--rounds", "1", "--no-numpy", "--no-torch", "--backends", hasNative ? "native" : "portable", "--spell-wait", "0"]);
    expect(code, out).toBe(0);
    expect(out).toMatch(/no peer measured/);
    expect(out.split("\n").filter((l) => l.startsWith("two-layer step N=200 D=3072 H="))).toHaveLength(4);
    expect(out).not.toMatch(/summary: worst ratio/);
  });

  it("refuses an unknown backend with the list of available ones", async () => {
    const { code, out } = await bench(["--only", "softmax", "--backends", "gpu"]);
    expect(code).toBe(1);
    expect(out).toMatch(/--backends: "gpu" is not available here \(available: .*portable.*\)/);
    const only = await bench(["--only", "gpu"]);
    expect(only.code).toBe(1);
    expect(only.out).toMatch(/--only: unknown group "gpu"; choose kernel, matmul, softmax, net, e2e, grader/);
  });
});

describe.skipIf(!hasNumpy)("the peers' --serve mode (scripts/bench_numpy.py, bench_torch.py)", () => {
  const peers = hasTorch ? ["numpy", "torch"] : ["numpy"];
  it.each(peers)("%s answers rows, info and end-to-end runs, and names what it does not know", async (peer) => {
    const input = [
      "info", "matmul 500x3073.T @ 500x10|float32|2", "two-layer step N=200 D=3072 H=100 C=10|float64|1", "e2e|softmax grid|0.002",
      "nope|float64|1", "matmul 200x3073 @ 3073x100|int8|1", "e2e|nope|1", "",
    ].join("\n");
    const child = execFile(PYTHON, [path.join(ROOT, "scripts", `bench_${peer}.py`), "--serve", "--warmup", "0", "--threads", "1"], { encoding: "utf8" });
    child.stdin!.end(input);
    const out = await new Promise<string>((resolve, reject) => {
      let text = "";
      child.stdout!.on("data", (d: string) => { text += d; });
      child.on("error", reject);
      child.on("close", () => resolve(text));
    });
    const replies = out.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(replies).toHaveLength(7);
    expect(replies[0].lib).toMatch(new RegExp(`^${peer} \\d`));
    expect(replies[0].blas).toMatchObject({ threads: 1, config: expect.stringMatching(/^OpenBLAS /), library: expect.stringMatching(/^\//) });
    expect(replies[1].ms).toBeGreaterThan(0);
    expect(replies[2].ms).toBeGreaterThan(0);
    expect(replies[3]).toMatchObject({ ms: expect.any(Number), sys_ms: expect.any(Number), user_ms: expect.any(Number), faults: expect.any(Number) });
    expect(replies[4].error).toMatch(/unknown case 'nope'/);
    expect(replies[5].error).toMatch(/unknown dtype 'int8'/);
    expect(replies[6].error).toMatch(/unknown end-to-end row 'nope'/);
  });
});
