/**
 * Times the batch similarity check on synthetic A3 submissions:
 *   npx tsx scripts/similarity-bench.ts [--count 1000] [--copies 20] [--seed 1]
 * Each submission's blocks come from one of three correct solutions, renamed and re-laid out, with filler
 * statements; `copies` of them get a disguised copy. Prints the time and whether every planted pair was found.
 */
import * as path from "node:path";
import { Command } from "commander";
import { benchSimilarity } from "../grader/samples/similarity-bench";

const program = new Command()
  .name("similarity-bench")
  .option("--count <n>", "submissions", "1000")
  .option("--copies <n>", "planted copy pairs among them", "20")
  .option("--seed <n>", "seed of the synthetic submissions", "1")
  .action((o: { count: string; copies: string; seed: string }) => {
    const count = Number(o.count), copies = Number(o.copies);
    if (!Number.isInteger(count) || count < 2 || !Number.isInteger(copies) || copies < 0 || copies >= count) {
      console.error("similarity-bench: --count must be an integer >= 2 and --copies an integer below it");
      process.exitCode = 2;
      return;
    }
    const r = benchSimilarity(path.resolve(__dirname, ".."), count, copies, Number(o.seed));
    console.log(`similarity: ${r.submissions} submissions in ${r.seconds.toFixed(2)} s; ${r.result.candidatePairs} candidate pairs, ` +
      `${r.result.pairsAboveThreshold} at or above ${r.result.options.threshold}, ${r.listedPairs} listed; planted copies found: ${r.foundPlanted}/${r.plantedPairs}`);
    process.exitCode = r.foundPlanted === r.plantedPairs ? 0 : 1;
  });
program.parse();
