// %% [markdown] id=nn-title
// # Assignment 4: a two-layer neural network
//
// In this notebook you will
// - implement the **forward pass**, the **softmax loss** and the **backward pass** of a fully connected network with
//   one hidden ReLU layer, and check the gradients numerically on a toy problem,
// - train it with **minibatch SGD** and learning-rate decay, and **debug** a first training run by looking at the
//   loss, the accuracies and the first-layer weights,
// - see how **capacity** (hidden size), **regularization** and the **learning rate** change training, and search
//   for a network that clearly beats the linear classifiers of Assignment 3.
//
// The last part replays the lecture on small examples you can change: why the activation function matters, how a
// ReLU layer warps space, what L2 regularization does to a decision boundary, how ReLUs approximate any function,
// what momentum buys, and how hand-made image features compare with raw pixels.
//
// You write code in `student_src/two_layer_net.ts`, only inside the designated blocks
// (`BEGIN YOUR CODE` / `END YOUR CODE`). This notebook imports that file: after you save an edit,
// **re-run the import cell** (the one that imports `./student_src/two_layer_net`) to pick it up.
// Run every cell in order (**Kernel ▸ Restart & Run All** when in doubt) and save the notebook before submitting.

// %% id=nn-student-info
// Fill in who you are. option 1: you did the assignment yourself; option 2: you could not finish, but explain
// your understanding in comments in the code.
// ===================== BEGIN YOUR CODE: student-info =====================
const STUDENT = { name: "", id: "", option: 1 as 1 | 2 };
// ====================== END YOUR CODE: student-info ======================

// %% id=nn-imports
import * as tslab from "tslab";
import { backendName, Generator, randn, tensor, type Tensor } from "./lib/tensor";
import { loadDataset, preprocess } from "./lib/data";
import { lineChart, networkWeightsGrid, sampleGrid, showHtml, showPicture, showSvg, sweepChart, type Series } from "./lib/viz";
import { computeNumericGradient, relError } from "./lib/gradcheck";
import * as lec from "./lib/lecture";
import { featureDataset } from "./lib/features";
import * as nn from "./student_src/two_layer_net";
console.log(`matmul backend: ${backendName()}`);

// %% id=nn-helpers
// Small helpers used below.
function accuracy(yPred: Tensor, y: Tensor): number {
  return yPred.eq(y).to("float64").mean().item();
}
function pct(v: number): string {
  return `${(100 * v).toFixed(2)}%`;
}
function seconds<T>(f: () => T): { value: T; s: number } {
  const t0 = performance.now();
  const value = f();
  return { value, s: (performance.now() - t0) / 1000 };
}

// %% [markdown] id=nn-toy-md
// ## A toy problem
// First make sure the network computes the right numbers on a problem small enough to check by hand: 5 inputs of
// dimension 4, 10 hidden units, 3 classes (`getToyData`). The network is
//
// $$h = \max(0, X W_1 + b_1), \qquad s = h W_2 + b_2,$$
//
// followed by the softmax loss. Open `student_src/two_layer_net.ts` and write `nnForwardPass` (block `nn-forward`):
// the hidden activations and the scores. No ready-made ReLU: use `clamp`. Your scores should match the correct
// ones to better than 1e-10.

// %% id=nn-toy-data
const toy = nn.getToyData();
console.log(`X ${JSON.stringify(toy.X.shape)}, y ${JSON.stringify(toy.y.tolist())}`);
for (const [name, p] of Object.entries(toy.params)) console.log(`${name} ${JSON.stringify(p.shape)}`);

// %% id=nn-toy-forward
const correctToyScores = tensor([
  [-0.00007091452262, 0.0001464439121, 0.00009041112866],
  [-0.00007143629326, 0.0001466677314, 0.00009015703628],
  [-0.00007077407156, 0.0001471332965, 0.00009011049986],
  [-0.00007131682158, 0.0001471259705, 0.00009020488571],
  [-0.00007136441823, 0.0001459251096, 0.00008956729606],
]);
function checkToyScores(): void {
  const scores = nn.nnForwardBackward(toy.params, toy.X);
  console.log("Your scores:");
  console.log(scores.toString());
  console.log(`Scores difference: ${scores.sub(correctToyScores).abs().max().item().toExponential(2)} (should be < 1e-10)`);
}
checkToyScores();

// %% [markdown] id=nn-toy-loss-md
// ### Loss
// Write the loss in `nnForwardBackward` (block `nn-loss`): the average softmax loss plus
// $\lambda (\sum W_1^2 + \sum W_2^2)$. With tiny weights every class gets probability about 1/3, so the loss
// should be about $\ln 3 \approx 1.098612$ (difference below 1e-4).

// %% id=nn-toy-loss
function checkToyLoss(): void {
  const { loss } = nn.nnForwardBackward(toy.params, toy.X, toy.y, 0.05);
  console.log(`Toy loss: ${loss.toFixed(6)} (difference from ln 3: ${Math.abs(loss - Math.log(3)).toExponential(1)})`);
}
checkToyLoss();

// %% [markdown] id=nn-toy-grad-md
// ### Backward pass
// Write the gradients (block `nn-backward`) and check them against numeric gradients. The check runs in float64
// (float32 rounding would swamp the finite differences); every relative error should be below 1e-4.

// %% id=nn-toy-gradcheck
function checkToyGradients(reg: number): void {
  const { X, y, params } = nn.getToyData({ dtype: "float64" });
  const { grads } = nn.nnForwardBackward(params, X, y, reg);
  for (const name of ["W1", "b1", "W2", "b2"] as const) {
    const f = (p: Tensor): number => nn.nnForwardBackward({ ...params, [name]: p }, X, y, reg).loss;
    const [want, got] = [params[name].shape, grads[name].shape];
    if (want.length !== got.length || want.some((n, i) => n !== got[i])) {
      // relError would broadcast [1, C] against [C] and pass; the update step fails later with a broadcast error.
      console.log(`${name} gradient has shape ${JSON.stringify(got)} but ${name} has shape ${JSON.stringify(want)}: a gradient must have its parameter's shape (sum over the examples, keep no extra dimension)`);
      continue;
    }
    const numeric = computeNumericGradient(f, params[name].clone(), undefined, 1e-6);
    console.log(`${name} max relative error: ${relError(numeric, grads[name]).toExponential(2)}`);
  }
}
checkToyGradients(0.05);

// %% [markdown] id=nn-toy-train-md
// ### Training
// Write the parameter update in `nnTrain` (block `nn-sgd-update`) and `nnPredict` (block `nn-predict`). Training
// the toy network for 200 iterations at learning rate 0.1 should bring the loss below 1.0.

// %% id=nn-toy-train
function trainToy(): number[] {
  const { X, y, params } = nn.getToyData();
  const stats = nn.nnTrain(params, nn.nnForwardBackward, nn.nnPredict, X, y, X, y, {
    learningRate: 0.1, reg: 1e-6, numIters: 200, generator: new Generator("toy-train"),
  });
  console.log(`Final toy training loss: ${stats.lossHistory.at(-1)!.toFixed(6)}`);
  return stats.lossHistory;
}
showSvg(lineChart({ name: "loss", y: trainToy() }, { title: "Toy training loss", xLabel: "iteration", yLabel: "loss" }));

// %% [markdown] id=nn-data-md
// ## The data
// The same images as in Assignment 3 (the embedded dataset by default; `DLVR_DATASET=fashion-mnist` or
// `DLVR_DATASET=cifar10:<folder>` when starting Jupyter for real photos; the first line printed below names it, and
// the grader scores your saved network on the embedded data, so submit a run on the default dataset), scaled to
// [0, 1] with the per-channel mean subtracted. No bias trick: the network has its own biases. float32
// makes training about twice as fast and is precise enough for SGD.

// %% id=nn-data
const raw = loadDataset();
console.log(raw.description);
const data = preprocess(raw, { dtype: "float32" });
for (const [name, t] of Object.entries(data)) if (name.startsWith("X_") || name.startsWith("y_")) console.log(`${name.padEnd(8)} ${JSON.stringify((t as Tensor).shape)}`);
showPicture(sampleGrid({ images: raw.trainImages, labels: raw.trainLabels, classNames: raw.classNames }, { perClass: 6 }));

// %% [markdown] id=nn-first-md
// ## A first training run
// Train a network with 36 hidden units and the `TwoLayerNet` defaults (weights drawn with std 1e-4), with a
// moderate learning rate and fairly strong regularization.

// %% id=nn-first-train
function firstTry(): { net: nn.TwoLayerNet; stats: nn.TrainStats } {
  const net = new nn.TwoLayerNet(3072, 36, 10, { generator: new Generator(0) });
  const run = seconds(() => net.train(data.X_train, data.y_train, data.X_val, data.y_val, {
    numIters: 300, batchSize: 200, learningRate: 0.1, learningRateDecay: 0.95, reg: 0.25, generator: new Generator(1),
  }));
  const stats = run.value;
  console.log(`Trained in ${run.s.toFixed(1)} s; final loss ${stats.lossHistory.at(-1)!.toFixed(4)}`);
  console.log(`Validation accuracy: ${pct(accuracy(net.predict(data.X_val), data.y_val))}`);
  return { net, stats };
}
const first = firstTry();

// %% [markdown] id=nn-debug-md
// ### Debug the training
// That is worse than the linear classifiers of Assignment 3. Look at the loss and at the accuracies per epoch
// (training accuracy on the last minibatch of the epoch, validation accuracy on the whole validation set).

// %% id=nn-first-plots
function plotStats(stats: nn.TrainStats, title: string): void {
  showSvg(lineChart({ name: "loss", y: stats.lossHistory }, { title: `${title}: loss`, xLabel: "iteration", yLabel: "loss", smooth: 10 }));
  showSvg(lineChart([
    { name: "train", y: stats.trainAccHistory },
    { name: "val", y: stats.valAccHistory },
  ], { title: `${title}: accuracy`, xLabel: "epoch", yLabel: "accuracy" }));
}
plotStats(first.stats, "First try");

// %% [markdown] id=nn-first-weights-md
// The first-layer weights, one 32x32 image per hidden unit. Many units learned the same blurry colour blob: with
// strong regularization and little training they stay nearly alike (compare with the best network's weights
// further down).

// %% id=nn-first-weights
showPicture(networkWeightsGrid(first.net.params.W1, { title: "first try: first-layer weights" }));

// %% [markdown] id=nn-tune-md
// ## Tuning the hyperparameters
// The loss sits at $\ln 10 \approx 2.30$ for over a hundred iterations and then falls slowly, and training and
// validation accuracy stay together: the network **underfits**. Change one thing at a time and compare the
// accuracy curves (solid: validation, dashed: training). Each run below is short (300 iterations), so the whole
// comparison takes seconds.

// %% id=nn-sweep-helper
interface RunConfig {
  hiddenSize: number;
  learningRate: number;
  reg: number;
  numIters: number;
}
function trainOnce(c: RunConfig): { net: nn.TwoLayerNet; stats: nn.TrainStats; valAcc: number } {
  const net = new nn.TwoLayerNet(3072, c.hiddenSize, 10, { generator: new Generator(0) });
  const stats = net.train(data.X_train, data.y_train, data.X_val, data.y_val, {
    learningRate: c.learningRate, reg: c.reg, numIters: c.numIters, learningRateDecay: 0.95, generator: new Generator(1),
  });
  return { net, stats, valAcc: accuracy(net.predict(data.X_val), data.y_val) };
}
function sweep(title: string, runs: { label: string; config: RunConfig }[]): void {
  const series: Series[] = [];
  runs.forEach(({ label, config }, i) => {
    const run = seconds(() => trainOnce(config));
    const r = run.value;
    console.log(`${label.padEnd(22)} final val accuracy ${pct(r.valAcc)}  (${run.s.toFixed(1)} s)`);
    const color = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"][i % 5];
    series.push({ name: `${label} val`, y: r.stats.valAccHistory, color });
    series.push({ name: `${label} train`, y: r.stats.trainAccHistory, color, dashed: true });
  });
  showSvg(lineChart(series, { title, xLabel: "epoch", yLabel: "accuracy", yMin: 0, yMax: 1, width: 720, height: 400 }));
}

// %% [markdown] id=nn-capacity-md
// ### Capacity: the hidden size
// More hidden units give the network more templates to combine.

// %% id=nn-sweep-hidden
sweep("Hidden size", [2, 8, 32, 128].map((h) => ({ label: `hidden ${h}`, config: { hiddenSize: h, learningRate: 0.3, reg: 1e-3, numIters: 300 } })));

// %% [markdown] id=nn-reg-md
// ### Regularization
// Regularization pulls the weights towards zero: the gap between training and validation accuracy closes, and too
// much of it underfits. (In a run this short, strengths below 1e-3 change nothing visible.)

// %% id=nn-sweep-reg
sweep("Regularization strength", [0, 1e-2, 3e-2, 1e-1].map((reg) => ({ label: `reg ${reg}`, config: { hiddenSize: 32, learningRate: 0.3, reg, numIters: 300 } })));

// %% [markdown] id=nn-lr-md
// ### Learning rate
// Too small and nothing happens in the time we have; too large and training diverges (the loss becomes NaN and the
// accuracy drops to chance).

// %% id=nn-sweep-lr
sweep("Learning rate", [0.01, 0.1, 0.3, 1].map((lr) => ({ label: `learning rate ${lr}`, config: { hiddenSize: 32, learningRate: lr, reg: 1e-3, numIters: 300 } })));

// %% [markdown] id=nn-search-md
// ## Hyperparameter search
// Choose the grid in `nnGetSearchParams` (block `nn-search-params`; fewer than 256 combinations, and keep it small:
// every combination is a full training run) and complete `findBestNet` (block `find-best-net`). Aim for a validation
// accuracy well above the best linear classifier of Assignment 3. The best network is saved to
// `nn_best_model.json`, which is part of your submission.

// %% id=nn-search
function search(): nn.SearchResult {
  const grid = nn.nnGetSearchParams();
  const combos = grid.learningRates.length * grid.hiddenSizes.length * grid.regularizationStrengths.length * grid.learningRateDecays.length;
  if (combos < 1 || combos >= 256) throw new Error(`nnGetSearchParams: choose between 1 and 255 combinations (you have ${combos})`);
  console.log(`Trying ${combos} combinations`);
  const run = seconds(() => nn.findBestNet(data, nn.nnGetSearchParams));
  const result = run.value;
  for (const r of result.results) {
    console.log(`hidden ${r.hiddenSize} lr ${r.learningRate} reg ${r.reg} decay ${r.learningRateDecay}: val ${pct(r.valAcc)}`);
  }
  console.log(`Search took ${run.s.toFixed(1)} s`);
  console.log(`Best validation accuracy: ${pct(result.bestValAcc)}`);
  return result;
}
const best = search();
best.bestNet.save("nn_best_model.json", { valAccuracy: best.bestValAcc });

// %% id=nn-search-plots
if (new Set(best.results.map((r) => r.learningRate)).size > 1 || new Set(best.results.map((r) => r.reg)).size > 1) {
  showSvg(sweepChart(best.results.map((r) => ({ x: r.learningRate, y: r.reg, value: r.valAcc })), {
    title: "Validation accuracy (best over the other hyperparameters)", xLabel: "learning rate", yLabel: "regularization",
  }));
}
plotStats(best.bestStat, "Best network");
showPicture(networkWeightsGrid(best.bestNet.params.W1, { title: "best network: first-layer weights" }));

// %% [markdown] id=nn-test-md
// ## Test accuracy
// Only now, once, on the test set.

// %% id=nn-test
console.log(`Test accuracy: ${pct(accuracy(best.bestNet.predict(data.X_test), data.y_test))}`);

// %% [markdown] id=nn-q1
// **Inline question 1.** After training you may find the test accuracy much lower than the training accuracy.
// In what ways can we decrease this gap? Select all that apply and explain.
// 1. Train on a larger dataset.
// 2. Add more hidden units.
// 3. Increase the regularization strength.
// 4. None of the above.
//
// **Your answer:** YOUR ANSWER

// %% [markdown] id=nn-lecture-md
// ## The lecture, replayed
// The cells below need nothing from your code except where they say so: they use the trusted helpers in
// `lib/lecture.ts` (a small fully connected network with its own backprop, activation functions, 2-D datasets,
// pictures) and `lib/features.ts`. Change the numbers and re-run them.
//
// ### Without an activation, two layers are one linear layer
// $W_2^\top (W_1^\top x + b_1) + b_2 = (W_1 W_2)^\top x + (b_1 W_2 + b_2)$: a product of linear maps is linear. Below,
// a random two-layer network without ReLU and the single linear layer $W = W_1 W_2$ give the same scores on every
// validation image.

// %% id=nn-linear-collapse
function linearCollapse(): void {
  const g = new Generator("collapse");
  const W1 = randn([3072, 64], { dtype: "float32", generator: g }).mul_(0.02);
  const b1 = randn([64], { dtype: "float32", generator: g }).mul_(0.1);
  const W2 = randn([64, 10], { dtype: "float32", generator: g }).mul_(0.2);
  const b2 = randn([10], { dtype: "float32", generator: g }).mul_(0.1);
  const twoLayers = data.X_val.matmul(W1).add(b1).matmul(W2).add(b2);
  const W = W1.matmul(W2);
  const b = b1.matmul(W2).add(b2);
  const oneLayer = data.X_val.matmul(W).add(b);
  console.log(`W1 ${JSON.stringify(W1.shape)} x W2 ${JSON.stringify(W2.shape)} = W ${JSON.stringify(W.shape)}`);
  console.log(`relative difference of the scores: ${relError(twoLayers, oneLayer).toExponential(1)} (float32 rounding)`);
  console.log(`same predicted class for ${pct(accuracy(twoLayers.argmax(1), oneLayer.argmax(1)))} of the validation images`);
}
linearCollapse();

// %% [markdown] id=nn-linear-2d-md
// The same on a 2-D problem: a network with two hidden layers of 50 units but **no activation** can only draw a
// straight line between the classes; with ReLU the same architecture wraps around them.

// %% id=nn-linear-2d
function deepLinearVsRelu(): void {
  const circles = lec.makeCircles({ n: 200 });
  const pics = (["identity", "relu"] as const).map((activation) => {
    const net = new lec.DenseNet(2, [50, 50], 2, { activation, seed: 0 });
    lec.trainDenseNet(net, circles.X, circles.y, { learningRate: 0.1, momentum: 0.9, numIters: 300 });
    const name = activation === "identity" ? "no activation" : "ReLU";
    return lec.decisionPicture((X) => net.scores(X), circles, { title: `2 hidden layers, ${name}: train accuracy ${pct(net.accuracy(circles.X, circles.y))}` });
  });
  showHtml(lec.pictureRow(pics));
}
deepLinearVsRelu();

// %% [markdown] id=nn-activations-md
// ### Activation functions
// Sigmoid and tanh saturate: for large |x| their slope (right) is almost zero, so gradients vanish. ReLU is cheap and
// does not saturate for x > 0, but has zero gradient for x < 0; leaky ReLU, ELU and GELU keep some signal there.

// %% id=nn-activations
showHtml(`<div style="display:flex;flex-wrap:wrap">${[
  lineChart(lec.activationCurves(), { title: "Activation functions", xLabel: "x", yLabel: "f(x)", yMin: -1.5, yMax: 4, width: 460, height: 340 }),
  lineChart(lec.activationCurves(undefined, { derivative: true }), { title: "Their derivatives", xLabel: "x", yLabel: "f'(x)", yMin: -0.2, yMax: 1.2, width: 460, height: 340 }),
].join("")}</div>`);

// %% [markdown] id=nn-warp-md
// ### Space warping
// A hidden layer $h = \mathrm{ReLU}(W x)$ maps the input plane to a new plane: the linear map $W x$ only tilts it,
// and the ReLU folds every point with a negative coordinate onto an axis. Below, the points of the two classes
// cannot be separated by one line in the input space, nor after the linear map; after the ReLU they can. Each panel
// shows a linear softmax classifier trained in that space.

// %% id=nn-warp
function spaceWarping(): void {
  const d = lec.makeFoldedData({ n: 300 });
  const Wx = d.X.matmul(d.W.t());
  const h = Wx.clamp({ min: 0 });
  const spaces: [string, Tensor][] = [["input x", d.X], ["W x (linear map)", Wx], ["h = ReLU(W x)", h]];
  const pics = spaces.map(([name, X]) => {
    const lin = new lec.DenseNet(2, [], 2, { seed: 0 });
    lec.trainDenseNet(lin, X, d.y, { learningRate: 0.5, momentum: 0.9, numIters: 500 });
    const lo = Math.min(-0.5, X.min().item()) - 0.3, hi = X.max().item() + 0.3;
    return lec.decisionPicture((Z) => lin.scores(Z), { X, y: d.y }, {
      bounds: [lo, hi, lo, hi], axes: true, title: `${name}: linear classifier ${pct(lin.accuracy(X, d.y))}`,
    });
  });
  showHtml(lec.pictureRow(pics));
}
spaceWarping();

// %% [markdown] id=nn-l2-md
// ### Regularize with L2, not by shrinking the network
// The same network (100 hidden ReLUs) on the same noisy data, trained with three regularization strengths: weak
// regularization lets the boundary chase individual points, strong regularization smooths it towards a line.

// %% id=nn-l2
function l2Boundaries(): void {
  const moons = lec.makeMoons({ n: 100, noise: 0.35, scale: 6 });
  const pics = [0.001, 0.01, 0.1].map((reg) => {
    const net = new lec.DenseNet(2, [100], 2, { seed: 0 });
    lec.trainDenseNet(net, moons.X, moons.y, { learningRate: 0.05, momentum: 0.9, reg, numIters: 2000 });
    return lec.decisionPicture((X) => net.scores(X), moons, { title: `L2 ${reg}: train accuracy ${pct(net.accuracy(moons.X, moons.y))}` });
  });
  showHtml(lec.pictureRow(pics));
}
l2Boundaries();

// %% [markdown] id=nn-approx-md
// ### Universal approximation
// A two-layer ReLU network with one input can build any continuous function on an interval: hidden unit $i$ is
// $\max(0, x - s_i)$ (weight 1, bias $-s_i$) and its output weight changes the slope at $s_i$. With more units
// the piecewise-linear approximation gets closer. (That such weights *exist* says nothing about whether SGD finds
// them, or how many units a real problem needs.)

// %% id=nn-approx
function universalApproximation(): void {
  const f = (x: number): number => Math.sin(2 * Math.PI * x) + 0.6 * Math.sin(5 * Math.PI * x) * x;
  const xs = Array.from({ length: 401 }, (_, i) => i / 400);
  const series: Series[] = [{ name: "target f(x)", x: xs, y: xs.map(f), color: "#000000" }];
  for (const units of [3, 6, 12, 24]) {
    const g = lec.reluApproximation(f, units);
    const err = Math.max(...xs.map((x) => Math.abs(g.evaluate(x) - f(x))));
    console.log(`${String(units).padStart(2)} ReLUs: max error ${err.toFixed(4)}`);
    series.push({ name: `${units} ReLUs`, x: xs, y: xs.map(g.evaluate), dashed: units < 24, markers: false });
  }
  showSvg(lineChart(series, { title: "Sums of shifted, scaled ReLUs", xLabel: "x", yLabel: "value", width: 720, height: 380 }));
  // the pieces of the 6-unit version: bias + scale_i * max(0, x - shift_i)
  const g6 = lec.reluApproximation(f, 6);
  const parts: Series[] = g6.shifts.map((shift, i) => ({
    name: `${g6.scales[i].toFixed(1)} max(0, x - ${shift.toFixed(2)})`, x: xs, y: xs.map((x) => g6.scales[i] * Math.max(0, x - shift)), markers: false,
  }));
  parts.push({ name: "sum + bias", x: xs, y: xs.map(g6.evaluate), color: "#000000", markers: false });
  showSvg(lineChart(parts, { title: "The 6 ReLU units and their sum", xLabel: "x", yLabel: "value", yMax: 14, width: 720, height: 380 }));
}
universalApproximation();

// %% [markdown] id=nn-momentum-md
// ### SGD with momentum
// Same network, same start, same minibatches and learning rate: with momentum ($v \leftarrow \rho v + \nabla L$,
// $w \leftarrow w - \alpha v$, $\rho = 0.9$) the steps accumulate along directions the gradients agree on, and the
// loss falls much faster.

// %% id=nn-momentum
function momentumDemo(): void {
  const spirals = lec.makeSpirals({ seed: 0 });
  const series: Series[] = [];
  for (const momentum of [0, 0.9]) {
    const net = new lec.DenseNet(2, [100], 3, { seed: 0 });
    const { lossHistory } = lec.trainDenseNet(net, spirals.X, spirals.y, {
      learningRate: 0.05, momentum, reg: 1e-3, numIters: 500, batchSize: 64, seed: 1,
    });
    const name = momentum === 0 ? "SGD" : `SGD + momentum ${momentum}`;
    console.log(`${name}: final loss ${lossHistory.at(-1)!.toFixed(3)}, train accuracy ${pct(net.accuracy(spirals.X, spirals.y))}`);
    series.push({ name, y: lossHistory });
  }
  showSvg(lineChart(series, { title: "Spiral data: minibatch loss", xLabel: "iteration", yLabel: "loss", smooth: 20 }));
}
momentumDemo();

// %% [markdown] id=nn-features-md
// ### Image features versus raw pixels
// Before deep learning, one fed hand-made features to a linear classifier. `lib/features.ts` computes two classics:
// a **histogram of oriented gradients** (HOG: per 8x8-pixel cell, how much edge there is in each of 9 orientations;
// 4 x 4 cells x 9 = 144 numbers) and a **colour histogram** (the fraction of pixels in each of 10 hue bins). Below,
// the same linear softmax classifier (as in Assignment 3, from `lib/lecture`) and your two-layer network are trained
// on raw pixels and on HOG + hue features (each standardized with the training mean and std). The network row on raw
// pixels is your best network from the search.

// %% id=nn-features
function featureComparison(): void {
  const run = seconds(() => featureDataset(raw, { hog: {}, color: {} }));
  const feats = run.value;
  console.log(`HOG + hue features: X_train ${JSON.stringify(feats.X_train.shape)} (computed in ${run.s.toFixed(1)} s)`);
  type Split = { X_train: Tensor; y_train: Tensor; X_val: Tensor; y_val: Tensor; X_test: Tensor; y_test: Tensor };
  const linear = (d: Split, learningRate: number, reg: number): [number, number] => {
    const cls = new lec.DenseNet(d.X_train.size(1), [], 10, { dtype: "float32", std: 1e-3, seed: 0 });
    lec.trainDenseNet(cls, d.X_train, d.y_train, { learningRate, reg, numIters: 1000, batchSize: 200, seed: 1 });
    return [cls.accuracy(d.X_val, d.y_val), cls.accuracy(d.X_test, d.y_test)];
  };
  const linRaw = linear(data, 1e-2, 1e-2);
  const linFeat = linear(feats, 3e-2, 1e-4);
  const net = new nn.TwoLayerNet(feats.X_train.size(1), 128, 10, { std: 1e-2, generator: new Generator(0) });
  net.train(feats.X_train, feats.y_train, feats.X_val, feats.y_val, { learningRate: 0.3, reg: 1e-2, numIters: 1000, generator: new Generator(1) });
  const netFeat: [number, number] = [accuracy(net.predict(feats.X_val), feats.y_val), accuracy(net.predict(feats.X_test), feats.y_test)];
  const netRaw: [number, number] = [best.bestValAcc, accuracy(best.bestNet.predict(data.X_test), data.y_test)];
  const rows: [string, [number, number]][] = [
    ["linear, raw pixels", linRaw], ["linear, HOG + hue", linFeat], ["two-layer net, raw pixels", netRaw], ["two-layer net, HOG + hue", netFeat],
  ];
  for (const [name, [v, t]] of rows) console.log(`${name.padEnd(28)} val ${pct(v)}  test ${pct(t)}`);
  tslab.display.markdown(["| classifier | input | validation | test |", "|---|---|---|---|",
    ...rows.map(([name, [v, t]]) => `| ${name.split(", ")[0]} | ${name.split(", ")[1]} | ${pct(v)} | ${pct(t)} |`)].join("\n"));
}
featureComparison();

// %% [markdown] id=nn-q2
// **Inline question 2.** The hand-made features help the linear classifier a lot, but the two-layer network gains
// little or nothing from them (it may even do better on raw pixels). Why? Relate your answer to what the hidden
// layer computes and to the first-layer weights you visualized.
//
// **Your answer:** YOUR ANSWER

// %% [markdown] id=nn-submit-md
// ## Submit
// Save the notebook (**File ▸ Save**), then run the cell below. It checks your work (designated blocks only,
// notebook executed and saved, `nn_best_model.json` present) and writes the zip to upload, or tells you exactly
// what to fix.

// %% id=nn-submit tags=submit
import { submitFromNotebook } from "./lib/course/notebook-submit";
submitFromNotebook({ ...STUDENT, assignment: "A4" });
