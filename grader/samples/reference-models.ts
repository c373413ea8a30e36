/**
 * Best-model files trained with the reference solutions (what a correct notebook saves), for the grader's tests
 * and benchmark. Cached on disk by the solution file's hash; training takes a few seconds per model.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { generateSynthetic, preprocess } from "../../lib/data";
import { encodeTensors, Generator } from "../../lib/tensor";
import { LinearSVM, Softmax } from "../../solutions/linear_classifier";
import { TwoLayerNet } from "../../solutions/two_layer_net";

export interface A3Models {
  "svm_best_model.json": string;
  "softmax_best_model.json": string;
}

/** Trains a LinearSVM and a Softmax on the default synthetic data (bias trick) and returns the saved JSON texts. */
export function a3ReferenceModels(repoRoot: string, cacheDir: string, numIters = 300): A3Models {
  const hash = createHash("sha256").update(fs.readFileSync(path.join(repoRoot, "solutions", "linear_classifier.ts"))).update(String(numIters)).digest("hex").slice(0, 12);
  const file = path.join(cacheDir, `a3-models-${hash}.json`);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as A3Models;
  const data = preprocess(generateSynthetic({ seed: "dlvr" }), { biasTrick: true });
  const svm = new LinearSVM();
  svm.train(data.X_train, data.y_train, { learningRate: 3e-3, reg: 1e-3, numIters, generator: new Generator("ref-svm") });
  const softmax = new Softmax();
  softmax.train(data.X_train, data.y_train, { learningRate: 3e-2, reg: 1e-3, numIters, generator: new Generator("ref-softmax") });
  const models: A3Models = {
    "svm_best_model.json": `${JSON.stringify(encodeTensors({ W: svm.W! }, { kind: "LinearSVM" }))}\n`,
    "softmax_best_model.json": `${JSON.stringify(encodeTensors({ W: softmax.W! }, { kind: "Softmax" }))}\n`,
  };
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(models));
  fs.renameSync(`${file}.tmp`, file);
  return models;
}

/** A TwoLayerNet (H = 64, float32) trained on the default synthetic data, as nn_best_model.json text. */
export function a4ReferenceModel(repoRoot: string, cacheDir: string, numIters = 300): { "nn_best_model.json": string } {
  const hash = createHash("sha256").update(fs.readFileSync(path.join(repoRoot, "solutions", "two_layer_net.ts"))).update(String(numIters)).digest("hex").slice(0, 12);
  const file = path.join(cacheDir, `a4-model-${hash}.json`);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as { "nn_best_model.json": string };
  const data = preprocess(generateSynthetic({ seed: "dlvr" }), { dtype: "float32" });
  const net = new TwoLayerNet(data.X_train.size(1), 64, 10, { dtype: "float32", generator: new Generator("ref-net") });
  net.train(data.X_train, data.y_train, data.X_val, data.y_val, { learningRate: 0.3, reg: 1e-4, numIters, generator: new Generator("ref-net-train") });
  const model = { "nn_best_model.json": `${JSON.stringify(encodeTensors({ ...net.params }, { kind: "TwoLayerNet" }))}\n` };
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(model));
  fs.renameSync(`${file}.tmp`, file);
  return model;
}
