// Shared by tests/grader-queue*.test.ts: a mixed batch of A3 submission zips (valid, stubbed, with planted bugs,
// hostile), the coordinator run as a real `npm run grade -- --queue` process, and comparisons of out folders.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { tsxInProcess } from "../grader/queue/local-workers";
import { QUEUE_NAME, redisOptions } from "../grader/queue/protocol";
import { zipBuffer } from "../lib/course/package-zip";
import { makeZip } from "./fixtures/hostile/make-zip";
import { a3Fixture, bugged, BUGS, MODULE, ROOT, SECRET, student, writeSubmission } from "./grader-pipeline-fixture";

export { ROOT, SECRET };
/**
 * Short locks so a killed worker's job is noticed within seconds (production keeps BullMQ's 30 s). A lock must
 * outlast a Redis restart, or the jobs running through it are taken for lost and graded twice.
 */
export const fastStalls = (lockMs = 3000): string[] => ["--lock-ms", String(lockMs), "--stalled-check-ms", "1000", "--max-stalls", "1"];

/** Writes `valid` solved submissions plus stubbed, bugged and hostile ones into dir; returns the zip paths. */
export async function mixedBatch(dir: string, o: { valid: number; stubs: number; bugs: number; hostile: boolean }): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const zips: string[] = [];
  for (let i = 0; i < o.valid; i++) zips.push(await writeSubmission(dir, student(`7${String(i).padStart(3, "0")}`, `Valid ${i}`)));
  for (let i = 0; i < o.stubs; i++) zips.push(await writeSubmission(dir, student(`71${String(i).padStart(2, "0")}`, `Stub ${i}`), { [MODULE]: a3Fixture().stub }));
  for (const [i, bug] of Object.values(BUGS).slice(0, o.bugs).entries()) {
    zips.push(await writeSubmission(dir, student(`72${String(i).padStart(2, "0")}`, `Bug ${i}`), { [MODULE]: bugged(bug as [string, string, string]) }));
  }
  if (o.hostile) {
    const put = (name: string, data: Buffer) => {
      fs.writeFileSync(path.join(dir, name), data);
      zips.push(path.join(dir, name));
    };
    put("Not_A_Zip-7301-A3-O1.zip", Buffer.from("this is not a zip file\n"));
    put("Escape-7302-A3-O1.zip", makeZip([{ name: "../../escape.ts", data: Buffer.from("export {};\n") }]));
    put("Bomb-7303-A3-O1.zip", makeZip([{ name: "student_src/linear_classifier.ts", data: Buffer.alloc(64 * 1024, 32), declaredSize: 1024 }]));
    put("No_Files-7304-A3-O1.zip", await zipBuffer([{ path: "submission.json", data: Buffer.from(JSON.stringify({ assignment: "A3", name: "No Files", id: "7304", option: 1 })) }]));
    // Banners damaged (the frozen code cannot be restored) and a syntax error: nothing compiles.
    const damaged = a3Fixture().solved
      .replace("// ===================== BEGIN YOUR CODE: sample-batch =====================", "// BEGIN YOUR CODE sample-batch")
      .replace("export interface LossResult {", "const = ;\nexport interface LossResult {");
    zips.push(await writeSubmission(dir, student("7305", "Broken Build"), { [MODULE]: damaged }));
    zips.push(await writeSubmission(dir, student("7306", "Exit Early"), {
      [MODULE]: bugged(["softmax-naive", "const numTrain = X.size(0);", "const numTrain = X.size(0);\n  process.exit(0);"]),
    }));
  }
  return zips;
}

export interface CoordinatorRun {
  child: ChildProcess;
  /** stdout and stderr lines so far. */
  lines: string[];
  /** The per-submission console lines so far ("100.00/100  A3 key  graded [1.2 s]"). */
  rows: () => string[];
  exited: Promise<number | string>;
}

export function startCoordinator(inDir: string, outDir: string, url: string, extra: string[] = []): CoordinatorRun {
  const child = spawn(process.execPath, [...tsxInProcess(ROOT), path.join(ROOT, "scripts", "grade.ts"), inDir, "--out", outDir, "--queue", url, "--seed-secret", SECRET, "--progress", "lines", ...extra], {
    cwd: ROOT, env: { ...process.env, TENSOR_QUIET: "1" }, stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const take = (d: Buffer) => lines.push(...d.toString().split("\n").filter(Boolean));
  child.stdout!.on("data", take);
  child.stderr!.on("data", take);
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, sig) => resolve(code ?? sig ?? "?")));
  return { child, lines, rows: () => lines.filter((l) => /^\s*\d+\.\d\d\/\S+\s+A\d /.test(l)), exited };
}

/** Polls until cond() holds (or throws after timeoutMs). */
export async function until(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The queue as a test sees it: which worker holds which submission right now. */
export function queueProbe(url: string): { active: () => Promise<{ key: string; worker: string; startedMs: number }[]>; close: () => Promise<void> } {
  const connection = new Redis(redisOptions(url));
  connection.on("error", () => {});
  const queue = new Queue(QUEUE_NAME, { connection });
  queue.on("error", () => {});
  return {
    active: async () => (await queue.getActive().catch(() => [])).filter(Boolean).map((j) => ({ key: String(j.data.key), worker: String(j.processedBy ?? ""), startedMs: Date.now() - (j.processedOn ?? Date.now()) })),
    close: async () => {
      await queue.close();
      connection.disconnect();
    },
  };
}

/** Every file of an out folder (relative path -> bytes). */
export function outFiles(dir: string): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else m.set(path.relative(dir, p), fs.readFileSync(p));
    }
  };
  walk(dir);
  return m;
}

/** Keys graded according to workers' log lines ("... <key>  graded [1.2 s] by w1"), with how often. */
export function gradedByWorkers(lines: string[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const l of lines) {
    const g = /^\s*\d+\.\d\d\/\S+\s+A\d\s+(\S+).* by (\S+)$/.exec(l);
    if (g) m.set(g[1], [...(m.get(g[1]) ?? []), g[2]]);
  }
  return m;
}
