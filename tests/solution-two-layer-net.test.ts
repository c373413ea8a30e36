import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { computeNumericGradient, relError } from "../lib/gradcheck";
import { Generator, randint, randn, tensor } from "../lib/tensor";
import {
  findBestNet, getToyData, nnForwardBackward, nnForwardPass, nnGetSearchParams, nnPredict, nnTrain, TwoLayerNet,
  type NetParams,
} from "../solutions/two_layer_net";

describe("reference two-layer net", () => {
  it("forward pass matches a hand-computed case (ReLU cuts the negative unit)", () => {
    const params: NetParams = {
      W1: tensor([[1, -1]]), b1: tensor([0, 0.5]), W2: tensor([[1, 0], [0, 1]]), b2: tensor([0.25, -1]),
    };
    const { hidden, scores } = nnForwardPass(params, tensor([[2]]));
    expect(hidden.tolist()).toEqual([[2, 0]]);
    expect(scores.tolist()).toEqual([[2.25, -1]]);
    expect(nnPredict(params, nnForwardBackward, tensor([[2], [-3]])).tolist()).toEqual([0, 1]);
  });

  it("toy loss is ~ln 3 with tiny weights, and the gradients pass a numeric check", () => {
    const { X, y, params } = getToyData();
    const { loss, grads } = nnForwardBackward(params, X, y, 0.05);
    expect(Math.abs(loss - Math.log(3))).toBeLessThan(1e-4);
    for (const name of ["W1", "b1", "W2", "b2"] as const) {
      const numeric = computeNumericGradient((p) => {
        const saved = params[name];
        params[name] = p;
        const l = nnForwardBackward(params, X, y, 0.05).loss;
        params[name] = saved;
        return l;
      }, params[name].clone(), undefined, 1e-6);
      expect(relError(numeric, grads[name])).toBeLessThan(1e-4);
    }
  });

  it("returns scores without labels", () => {
    const { X, params } = getToyData();
    expect(nnForwardBackward(params, X).shape).toEqual([5, 3]);
  });

  it("toy training brings the loss below 1.0 within 200 iterations at lr 0.1", () => {
    const { X, y, params } = getToyData();
    const stats = nnTrain(params, nnForwardBackward, nnPredict, X, y, X, y, {
      learningRate: 0.1, reg: 1e-6, numIters: 200, generator: new Generator("toy-train"),
    });
    expect(stats.lossHistory).toHaveLength(200);
    expect(stats.lossHistory.at(-1)!).toBeLessThan(1.0);
    expect(stats.valAccHistory.length).toBeGreaterThan(1);
  });

  it("the model saves and loads; findBestNet keeps the best configuration", () => {
    const g = new Generator("blobs");
    const centers = randn([3, 8], { generator: g }).mul_(2);
    const ySmall = randint(0, 3, [120], { generator: g });
    const X = centers.indexSelect(0, ySmall).add_(randn([120, 8], { generator: g }).mul_(0.5));
    const data = { X_train: X.slice(0, 0, 90), y_train: ySmall.slice(0, 0, 90), X_val: X.slice(0, 90), y_val: ySmall.slice(0, 90) };
    const search = findBestNet(data, () => ({
      learningRates: [1e-3, 0.5], hiddenSizes: [16], regularizationStrengths: [1e-4], learningRateDecays: [0.95],
    }), 150);
    expect(search.results).toHaveLength(2);
    expect(search.bestValAcc).toBe(Math.max(...search.results.map((r) => r.valAcc)));
    expect(search.bestValAcc).toBeGreaterThan(0.9);
    const dir = mkdtempSync(join(tmpdir(), "net-"));
    search.bestNet.save(join(dir, "nn.json"));
    const back = new TwoLayerNet(8, 16, 3).load(join(dir, "nn.json"));
    expect(back.predict(data.X_val).tolist()).toEqual(search.bestNet.predict(data.X_val).tolist());
  });

  it("the reference search grid has fewer than 256 combinations", () => {
    const p = nnGetSearchParams();
    const n = p.learningRates.length * p.hiddenSizes.length * p.regularizationStrengths.length * p.learningRateDecays.length;
    expect(n).toBeGreaterThan(1);
    expect(n).toBeLessThan(256);
  });
});
