/**
 * npm run demo: the tour a new instructor sees first, on the embedded default data (or what DLVR_DATASET names).
 *  1. trains the reference linear classifiers and the two-layer net and prints their accuracies;
 *  2. releases A3 and A4 (student stubs, manifests, bundles);
 *  3. builds a reference submission and a stub submission for A3 and grades both in the sandbox.
 * Each step prints one line per item; the last line is a summary.
 */
import { Command } from "commander";
import { loadDataset, preprocess } from "../lib/data";
import { backendName, Generator, type Tensor } from "../lib/tensor";
import { LinearSVM, Softmax } from "../solutions/linear_classifier";
import { TwoLayerNet } from "../solutions/two_layer_net";
import { runGradingDemo } from "./demo-grading";

function accuracy(pred: Tensor, y: Tensor): number {
  return pred.eq(y).to("float64").mean().item();
}

function seconds(t0: number): string {
  return `${((performance.now() - t0) / 1000).toFixed(1)} s`;
}

/** Train the reference models on loadDataset()'s data; returns test accuracies by model name. */
function trainReferenceModels(): Record<string, number> {
  const raw = loadDataset();
  console.log(`data      ${raw.description}`);
  const linearData = preprocess(raw, { biasTrick: true, validationRatio: 0.1 });
  const results: Record<string, number> = {};
  for (const [name, cls, lr, reg] of [
    ["LinearSVM", new LinearSVM(), 3e-3, 1e-1],
    ["Softmax", new Softmax(), 1e-2, 1e-1],
  ] as const) {
    const t0 = performance.now();
    cls.train(linearData.X_train, linearData.y_train, { learningRate: lr, reg, numIters: 1000, generator: new Generator(`demo-${name}`) });
    const val = accuracy(cls.predict(linearData.X_val), linearData.y_val);
    results[name] = accuracy(cls.predict(linearData.X_test), linearData.y_test);
    console.log(`train     ${name.padEnd(11)} val ${(100 * val).toFixed(1)}%  test ${(100 * results[name]).toFixed(1)}%  (${seconds(t0)})`);
  }
  const netData = preprocess(raw, { validationRatio: 0.1, dtype: "float32" });
  const t0 = performance.now();
  const net = new TwoLayerNet(3072, 100, raw.classNames.length, { generator: new Generator("demo-net") });
  net.train(netData.X_train, netData.y_train, netData.X_val, netData.y_val, {
    learningRate: 0.3, reg: 1e-3, numIters: 1000, learningRateDecay: 0.95, generator: new Generator("demo-net-batches"),
  });
  const val = accuracy(net.predict(netData.X_val), netData.y_val);
  results.TwoLayerNet = accuracy(net.predict(netData.X_test), netData.y_test);
  console.log(`train     ${"TwoLayerNet".padEnd(11)} val ${(100 * val).toFixed(1)}%  test ${(100 * results.TwoLayerNet).toFixed(1)}%  (${seconds(t0)})`);
  return results;
}

async function main(): Promise<void> {
  const opts = new Command()
    .option("--skip-grading", "only train the reference models")
    .parse()
    .opts<{ skipGrading?: boolean }>();
  process.env.TENSOR_QUIET = "1";
  const t0 = performance.now();
  console.log(`backend   matmul: ${backendName()}`);
  const acc = trainReferenceModels();
  const grading = opts.skipGrading ? null : await runGradingDemo();
  const accText = Object.entries(acc).map(([k, v]) => `${k} ${(100 * v).toFixed(1)}%`).join(", ");
  console.log(`summary: test accuracy ${accText}${grading ? `; ${grading}` : ""} (${seconds(t0)})`);
}

main().catch((e: unknown) => {
  console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
