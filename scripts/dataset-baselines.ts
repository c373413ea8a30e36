/**
 * npm run baselines -- [--dataset fashion-mnist] [--linear-iters 500] [--net-iters 500]
 *
 * The course recipe with the reference solutions on one dataset, for the accuracy tables in README.md:
 * loadDataset (the dataset given, else what DLVR_DATASET names), preprocess with the notebooks' options (10%
 * validation; bias trick and float64 for the linear models, float32 for the net), the solutions' own search grids
 * (svmGetSearchParams, softmaxGetSearchParams with testOneParamSet; nnGetSearchParams with findBestNet) for the
 * notebooks' iteration counts, then the best model's test accuracy. Prints a markdown table with wall times.
 */
import { Command } from "commander";
import { loadDataset, parseDatasetSpec, preprocess } from "../lib/data";
import { backendName, Generator, type Tensor } from "../lib/tensor";
import * as lc from "../solutions/linear_classifier";
import * as nn from "../solutions/two_layer_net";

interface Row { model: string; val: number; test: number; seconds: number; detail: string }

function accuracy(pred: Tensor, y: Tensor): number {
  return pred.eq(y).to("float64").mean().item();
}

function timed<T>(f: () => T): { value: T; seconds: number } {
  const t0 = performance.now();
  const value = f();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

function linearSearch(name: "SVM" | "Softmax", data: lc.DataDict & { X_test: Tensor; y_test: Tensor }, numIters: number): Row {
  const grid = name === "SVM" ? lc.svmGetSearchParams() : lc.softmaxGetSearchParams();
  const run = timed(() => {
    let best = { val: -1, cls: null as lc.LinearClassifier | null, lr: 0, reg: 0 };
    for (const lr of grid.learningRates) {
      for (const reg of grid.regularizationStrengths) {
        const make = name === "SVM" ? new lc.LinearSVM() : new lc.Softmax();
        const { cls, valAcc } = lc.testOneParamSet(make, data, lr, reg, numIters, new Generator(`search-${lr}-${reg}`));
        if (valAcc > best.val) best = { val: valAcc, cls, lr, reg };
      }
    }
    return best;
  });
  const b = run.value;
  return {
    model: name === "SVM" ? "linear SVM" : "softmax", val: b.val, test: accuracy(b.cls!.predict(data.X_test), data.y_test),
    seconds: run.seconds, detail: `best lr ${b.lr}, reg ${b.reg}; ${grid.learningRates.length * grid.regularizationStrengths.length} runs of ${numIters} iterations`,
  };
}

function main(): void {
  const opts = new Command()
    .option("--dataset <spec>", "a DLVR_DATASET value (default: $DLVR_DATASET, else synthetic)")
    .option("--linear-iters <n>", "SGD iterations per linear-model run (the notebook uses 500)", "500")
    .option("--net-iters <n>", "SGD iterations per network run (findBestNet's default, 500)", "500")
    .parse()
    .opts<{ dataset?: string; linearIters: string; netIters: string }>();
  process.env.TENSOR_QUIET = "1";
  const spec = opts.dataset === undefined ? undefined : parseDatasetSpec(opts.dataset, "--dataset");
  const load = timed(() => loadDataset(spec ? { ...spec, source: spec.source } : {}));
  const raw = load.value;
  console.log(`${raw.description}\nloaded in ${load.seconds.toFixed(1)} s; matmul backend ${backendName()}`);
  const rows: Row[] = [];
  const linearData = preprocess(raw, { biasTrick: true, validationRatio: 0.1, dtype: "float64" });
  console.log(`linear models: X_train ${JSON.stringify(linearData.X_train.shape)}, X_val ${JSON.stringify(linearData.X_val.shape)}, X_test ${JSON.stringify(linearData.X_test.shape)}`);
  for (const name of ["SVM", "Softmax"] as const) {
    rows.push(linearSearch(name, linearData, Number(opts.linearIters)));
    console.log(`  ${rows.at(-1)!.model}: val ${rows.at(-1)!.val.toFixed(4)}, test ${rows.at(-1)!.test.toFixed(4)}`);
  }
  const netData = preprocess(raw, { validationRatio: 0.1, dtype: "float32" });
  const net = timed(() => nn.findBestNet(netData, nn.nnGetSearchParams, Number(opts.netIters)));
  const best = net.value.results.reduce((a, b) => (b.valAcc > a.valAcc ? b : a));
  rows.push({
    model: "two-layer net", val: net.value.bestValAcc, test: accuracy(net.value.bestNet.predict(netData.X_test), netData.y_test),
    seconds: net.seconds,
    detail: `best hidden ${best.hiddenSize}, lr ${best.learningRate}, reg ${best.reg}; ${net.value.results.length} runs of ${opts.netIters} iterations`,
  });
  console.log("\n| model | validation | test | search time | search |\n|---|---|---|---|---|");
  for (const r of rows) {
    console.log(`| ${r.model} | ${(100 * r.val).toFixed(1)}% | ${(100 * r.test).toFixed(1)}% | ${r.seconds.toFixed(0)} s | ${r.detail} |`);
  }
}

main();
