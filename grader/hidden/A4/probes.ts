/** A4 probes: run inside the sandbox, one per hidden test; they return raw values for the grader to compare. */
import { Generator } from "../../../lib/tensor";
import type { Probe, StudentModules } from "../../run/runner/protocol";
import { pick } from "../../run/runner/wire";
import type * as A4 from "../../../student_src/two_layer_net";
import { hiddenSearchGrid, NET_SPECS, netInputs, quadraticNetLoss, SEARCH_SPEC, searchInputs, SGD_SPEC, sgdInputs, zerosPredict } from "./inputs";

export const A4_MODULE = "student_src/two_layer_net.ts";
const nn = (m: StudentModules) => m[A4_MODULE] as typeof A4;

export const probes: Record<string, Probe> = {
  nn_forward: (m, seed) => {
    const { params, X } = netInputs(seed, NET_SPECS.nn_forward);
    return pick(nn(m).nnForwardPass(params, X), ["scores", "hidden"]);
  },
  nn_loss: (m, seed) => {
    const { params, X, y, reg } = netInputs(seed, NET_SPECS.nn_loss);
    return pick(nn(m).nnForwardBackward(params, X, y, reg), ["loss"]);
  },
  nn_loss_stable: (m, seed) => {
    const { params, X, y, reg } = netInputs(seed, NET_SPECS.nn_loss_stable);
    return pick(nn(m).nnForwardBackward(params, X, y, reg), ["loss"]);
  },
  nn_backward: (m, seed) => {
    const { params, X, y, reg } = netInputs(seed, NET_SPECS.nn_backward);
    const r = pick(nn(m).nnForwardBackward(params, X, y, reg), ["grads"]);
    return pick(r.grads, ["W1", "b1", "W2", "b2"]);
  },
  nn_predict: (m, seed) => {
    const { params, X } = netInputs(seed, NET_SPECS.nn_predict);
    const mod = nn(m);
    return { yPred: mod.nnPredict(params, mod.nnForwardBackward, X) };
  },
  nn_sgd_update: (m, seed) => {
    const s = sgdInputs(seed);
    const { learningRate, learningRateDecay, reg, numIters, batchSize } = SGD_SPEC;
    const stats = nn(m).nnTrain(s.params, quadraticNetLoss(s.targets), zerosPredict, s.X, s.y, s.X, s.y, {
      learningRate, learningRateDecay, reg, numIters, batchSize, generator: new Generator(s.generatorSeed),
    });
    return { params: { ...s.params }, lossHistory: pick(stats, ["lossHistory"]).lossHistory };
  },
  nn_search_params: (m) => pick(nn(m).nnGetSearchParams(), ["learningRates", "hiddenSizes", "regularizationStrengths", "learningRateDecays"]),
  find_best_net: (m, seed) => {
    const data = searchInputs(seed);
    const r = pick(nn(m).findBestNet(data, hiddenSearchGrid, SEARCH_SPEC.numIters, SEARCH_SPEC.seed), ["bestNet", "bestStat", "bestValAcc", "results"]);
    const net = pick(r.bestNet, ["params"]);
    const stat = pick(r.bestStat, ["lossHistory"]);
    const lossHistory = stat.lossHistory;
    return {
      bestValAcc: r.bestValAcc,
      results: r.results,
      params: pick(net.params, ["W1", "b1", "W2", "b2"]),
      lossHistoryLength: Array.isArray(lossHistory) ? lossHistory.length : null,
    };
  },
};
