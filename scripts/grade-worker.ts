/**
 * A grading worker for queue batches (grader/queue/):
 *
 *   npm run grade:worker -- --queue redis://host:port [--jobs N] [--seed-secret S] [--name NAME]
 *
 * Run it on any machine holding the course (the same checkout and secret as the coordinator); it grades until
 * SIGTERM. Exit code 0 after a signal, 3 when its grading setup differs from a batch's (update the course),
 * 2 when it cannot start.
 */
import * as os from "node:os";
import * as path from "node:path";
import { Command } from "commander";
import { runWorker, WORKER_DEFAULTS } from "../grader/queue/worker";

interface Options {
  queue?: string;
  jobs: string;
  seedSecret?: string;
  name?: string;
  lockMs: string;
  stalledCheckMs: string;
  maxStalls: string;
  graceMs: string;
}

const positive = (v: string, flag: string, min = 1): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be an integer >= ${min}, got ${v}`);
  return n;
};

const program = new Command()
  .name("npm run grade:worker --")
  .description("Take grading jobs from a Redis queue and grade them in this machine's sandbox")
  .option("--queue <url>", "Redis holding the queue, redis://host:port")
  .option("--jobs <n>", "submissions graded at the same time", String(os.availableParallelism?.() ?? os.cpus().length))
  .option("--seed-secret <secret>", "course secret (or $GRADER_SEED_SECRET): the same as the coordinator's")
  .option("--name <name>", "worker name in logs and on its jobs (default host:pid)")
  .option("--lock-ms <ms>", "a job not heard of for this long counts as lost", String(WORKER_DEFAULTS.lockMs))
  .option("--stalled-check-ms <ms>", "how often to look for lost jobs", String(WORKER_DEFAULTS.stalledCheckMs))
  .option("--max-stalls <n>", "times a lost job is put back before it fails", String(WORKER_DEFAULTS.maxStalls))
  .option("--grace-ms <ms>", "after SIGTERM, how long running jobs may finish before they are handed back", String(WORKER_DEFAULTS.graceMs))
  .showHelpAfterError();

program.action(async (o: Options) => {
  try {
    process.env.TENSOR_QUIET ??= "1";
    if (!o.queue) throw new Error("--queue redis://host:port is required");
    process.exitCode = await runWorker({
      url: o.queue, repoRoot: path.resolve(__dirname, ".."), jobs: positive(o.jobs, "--jobs"), secret: o.seedSecret, name: o.name,
      lockMs: positive(o.lockMs, "--lock-ms", 1000), stalledCheckMs: positive(o.stalledCheckMs, "--stalled-check-ms", 500),
      maxStalls: positive(o.maxStalls, "--max-stalls", 0), graceMs: positive(o.graceMs, "--grace-ms", 0),
    });
  } catch (e) {
    console.error(`grade:worker: ${(e as Error).message}`);
    process.exitCode = 2;
  }
});
program.parseAsync(process.argv);
