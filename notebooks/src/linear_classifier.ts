// %% [markdown] id=lc-title
// # Assignment 3: linear classifiers (multiclass SVM and softmax)
//
// In this notebook you will
// - implement a **multiclass SVM loss** and its gradient, first with loops and then vectorized,
// - check your gradients numerically,
// - train the classifier with **minibatch SGD**, predict, and tune the learning rate and regularization on a
//   validation set,
// - do the same for the **softmax** (cross-entropy) loss, and look at what the learned weights look like.
//
// You write code in `student_src/linear_classifier.ts`, only inside the designated blocks
// (`BEGIN YOUR CODE` / `END YOUR CODE`). This notebook imports that file: after you save an edit,
// **re-run the import cell** (the one that imports `./student_src/linear_classifier`) to pick it up.
// Run every cell in order (**Kernel ▸ Restart & Run All** when in doubt) and save the notebook before submitting.

// %% id=lc-student-info
// Fill in who you are. option 1: you did the assignment yourself; option 2: you could not finish, but explain
// your understanding in comments in the code.
// ===================== BEGIN YOUR CODE: student-info =====================
const STUDENT = { name: "", id: "", option: 1 as 1 | 2 };
// ====================== END YOUR CODE: student-info ======================

// %% id=lc-imports
import * as tslab from "tslab";
import { backendName, manualSeed, ones, randn, Generator, type Tensor } from "./lib/tensor";
import { loadDataset, preprocess } from "./lib/data";
import { lineChart, sampleGrid, showPicture, showSvg, sweepChart, weightTemplates } from "./lib/viz";
import { gradCheckSparse, relError } from "./lib/gradcheck";
import * as lc from "./student_src/linear_classifier";
console.log(`matmul backend: ${backendName()}`);

// %% [markdown] id=lc-data-md
// ## The data
// By default the notebooks use the course's **embedded dataset**: 32x32 colour images in 10 classes, generated
// from a seed, so everything runs offline in seconds. Each class comes in several looks (poses, colours), which a
// single linear template per class can only average. To train on real photos, start Jupyter with the variable
// `DLVR_DATASET` set: `DLVR_DATASET=fashion-mnist npm run notebook` (Fashion-MNIST, installed by the setup: 60000
// clothing photos, 28x28 grayscale padded to 32x32 and copied to three channels, so every cell works unchanged) or
// `DLVR_DATASET=cifar10:/path/to/cifar-10-batches-bin`; add `?numTrain=20000` for a quicker run. The first line
// printed below names the dataset, and your submission records it. The grader always uses the course's embedded
// data, for its tests and to score your saved models: run the notebook on the default dataset before you submit.

// %% id=lc-data-load
const raw = loadDataset();
console.log(raw.description);
showPicture(sampleGrid({ images: raw.trainImages, labels: raw.trainLabels, classNames: raw.classNames }, { perClass: 8 }));

// %% id=lc-data-preprocess
// Scale to [0, 1], subtract the per-channel training mean, flatten channel-major, and append a column of ones
// (the bias trick: the last row of W is the bias). float64 keeps the gradient checks meaningful.
const data = preprocess(raw, { biasTrick: true, validationRatio: 0.1, dtype: "float64", numDev: 500 });
for (const [name, t] of Object.entries(data)) if (typeof t === "object" && t !== null && "shape" in t) console.log(`${name.padEnd(8)} ${JSON.stringify((t as Tensor).shape)}`);

// %% id=lc-helpers
// Helpers the cells below use. They live in a cell of their own that cannot fail, so an error in your code does
// not make later cells fail with "Cannot find name".
/** Numeric vs analytic gradient of `lossFn` at 10 random coordinates, on 100 development examples. */
function checkGradient(lossFn: lc.LossFunction, reg: number): number {
  manualSeed(0);
  const W = randn(3073, 10).mul(1e-4);
  const X = data.X_dev!.slice(0, 0, 100), y = data.y_dev!.slice(0, 0, 100);
  const { dW } = lossFn(W, X, y, reg);
  const f = (w: Tensor): number => lossFn(w, X, y, reg).loss;
  // h = 1e-6 balances truncation error (grows with h) against float64 rounding in f(x+h) - f(x-h) (grows as h shrinks).
  return gradCheckSparse(f, W, dW, 10, 1e-6, { generator: new Generator(`grad-check-${reg}`) }).maxRelError;
}
function timeIt<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}
/** Times the naive and vectorized losses on the development set and prints how far apart they are. */
function compareNaiveVectorized(label: string, naive: lc.LossFunction, vectorized: lc.LossFunction): void {
  manualSeed(0);
  const W = randn(3073, 10).mul(1e-4);
  const a = timeIt(() => naive(W, data.X_dev!, data.y_dev!, 5e-6));
  const b = timeIt(() => vectorized(W, data.X_dev!, data.y_dev!, 5e-6));
  console.log(`Naive loss: ${a.value.loss.toFixed(6)} computed in ${a.ms.toFixed(1)} ms`);
  console.log(`Vectorized loss: ${b.value.loss.toFixed(6)} computed in ${b.ms.toFixed(1)} ms`);
  console.log(`${label} loss difference: ${Math.abs(a.value.loss - b.value.loss).toExponential(2)}`);
  console.log(`${label} gradient difference: ${relError(a.value.dW, b.value.dW).toExponential(2)}`);
  console.log(`Speedup: ${(a.ms / Math.max(b.ms, 1e-3)).toFixed(1)}x`);
  // Again without and with a large regularization, so a missing or wrong regularization term shows.
  const differences = [0, 1e3].map((reg) => {
    const n = naive(W, data.X_dev!, data.y_dev!, reg);
    const v = vectorized(W, data.X_dev!, data.y_dev!, reg);
    const d = { reg, loss: Math.abs(n.loss - v.loss), grad: relError(n.dW, v.dW) };
    console.log(`${label} at reg ${reg}: losses differ by ${d.loss.toExponential(2)}, gradients by ${d.grad.toExponential(2)}`);
    return d;
  });
  const bad = (d: { loss: number; grad: number }) => !(d.loss < 1e-6 && d.grad < 1e-6);
  if (bad(differences[1]) && !bad(differences[0])) console.log(`${label}: the vectorized version disagrees only with regularization: check its regularization term (loss + reg * sum(W^2), gradient + 2 * reg * W)`);
  else if (differences.some(bad)) console.log(`${label}: the vectorized version disagrees with the naive one already without regularization: check the data term`);
  else console.log(`${label}: naive and vectorized agree, with and without regularization`);
}
function accuracy(W: Tensor, X: Tensor, y: Tensor): number {
  return lc.predictLinearClassifier(W, X).eq(y).to("float64").mean().item();
}

// %% [markdown] id=lc-svm-md
// ## Multiclass SVM
// For one example with scores $s = x W$ and correct class $y$, the loss is
// $L = \sum_{j \ne y} \max(0, s_j - s_y + 1)$; the total loss averages over examples and adds
// $\lambda \sum W^2$ (no factor 1/2).
//
// Open `student_src/linear_classifier.ts`. `svmLossNaive` computes the loss with loops; fill in the gradient
// (blocks `svm-naive-grad` and `svm-naive-reg-grad`). With tiny random weights every margin is about 1, so the
// loss should be close to 9 (= number of classes - 1).

// %% id=lc-svm-naive-loss
manualSeed(0);
const Wsmall = randn(3073, 10).mul(1e-4);
const svmNaive = lc.svmLossNaive(Wsmall, data.X_dev!, data.y_dev!, 5e-6);
console.log(`SVM naive loss: ${svmNaive.loss.toFixed(6)} (expected about 9.0)`);

// %% [markdown] id=lc-svm-gradcheck-md
// ### Gradient check
// Compare your analytic gradient with a numeric one at random coordinates. The relative errors should be below
// 1e-5. Run it without and with regularization (on 100 development examples, to keep it quick).

// %% id=lc-svm-gradcheck
console.log(`SVM naive gradient check (reg 0): max relative error ${checkGradient(lc.svmLossNaive, 0).toExponential(2)}`);
console.log(`SVM naive gradient check (reg 1e3): max relative error ${checkGradient(lc.svmLossNaive, 1e3).toExponential(2)}`);

// %% [markdown] id=lc-q1
// **Inline question 1.** Once in a while a dimension in the gradient check will not match exactly. What could
// cause such a discrepancy? Is it a reason for concern? Give a simple one-dimensional example where a gradient
// check could fail. How would changing the margin affect how often this happens?
//
// **Your answer:** YOUR ANSWER

// %% [markdown] id=lc-svm-vec-md
// ### Vectorized SVM
// Now write `svmLossVectorized` without loops over examples (blocks `svm-vectorized-loss` and
// `svm-vectorized-grad`). It must agree with the naive version and be much faster.

// %% id=lc-svm-vectorized
compareNaiveVectorized("SVM", lc.svmLossNaive, lc.svmLossVectorized);

// %% [markdown] id=lc-sgd-md
// ## Stochastic gradient descent
// Fill in `sampleBatch` (block `sample-batch`) and the weight update in `trainLinearClassifier` (block
// `sgd-update`), then train an SVM. The loss should go down.

// %% id=lc-svm-train
function trainSvm(): number[] {
  const t = timeIt(() =>
    lc.trainLinearClassifier(lc.svmLossVectorized, null, data.X_train, data.y_train, {
      learningRate: 3e-3, reg: 1e-1, numIters: 1000, generator: new Generator("svm-train"),
    }),
  );
  console.log(`Training took ${(t.ms / 1000).toFixed(2)} s; loss ${t.value.lossHistory[0].toFixed(3)} -> ${t.value.lossHistory.at(-1)!.toFixed(3)}`);
  svmTrained = t.value.W;
  return t.value.lossHistory;
}
let svmTrained: Tensor | null = null;
showSvg(lineChart({ name: "SVM loss", y: trainSvm() }, { title: "SVM training loss", xLabel: "iteration", yLabel: "loss" }));

// %% [markdown] id=lc-predict-md
// Write `predictLinearClassifier` (block `linear-predict`) and measure accuracy.

// %% id=lc-svm-predict
console.log(`SVM training accuracy: ${(100 * accuracy(svmTrained!, data.X_train, data.y_train)).toFixed(2)}%`);
console.log(`SVM validation accuracy: ${(100 * accuracy(svmTrained!, data.X_val, data.y_val)).toFixed(2)}%`);

// %% [markdown] id=lc-search-md
// ## Hyperparameter search
// Choose a grid in `svmGetSearchParams` (at least 2 learning rates and 2 regularization strengths, fewer than 25
// combinations) and complete `testOneParamSet`. The best model on the validation set is saved to
// `svm_best_model.json`, which is part of your submission.

// %% id=lc-search-helper
type Search = { best: lc.LinearClassifier; bestVal: number; points: { x: number; y: number; value: number }[] };
function search(make: () => lc.LinearClassifier, grid: { learningRates: number[]; regularizationStrengths: number[] }, numIters: number): Search {
  const combos = grid.learningRates.length * grid.regularizationStrengths.length;
  if (grid.learningRates.length < 2 || grid.regularizationStrengths.length < 2 || combos >= 25) {
    throw new Error(`choose at least 2 learning rates and 2 strengths, and fewer than 25 combinations (you have ${combos})`);
  }
  let best: lc.LinearClassifier | null = null;
  let bestVal = -1;
  const points: Search["points"] = [];
  for (const lr of grid.learningRates) {
    for (const reg of grid.regularizationStrengths) {
      const { cls, trainAcc, valAcc } = lc.testOneParamSet(make(), data, lr, reg, numIters, new Generator(`search-${lr}-${reg}`));
      console.log(`lr ${lr.toExponential(1)} reg ${reg.toExponential(1)}: train ${(100 * trainAcc).toFixed(1)}%, val ${(100 * valAcc).toFixed(1)}%`);
      points.push({ x: lr, y: reg, value: valAcc });
      if (valAcc > bestVal) {
        bestVal = valAcc;
        best = cls;
      }
    }
  }
  return { best: best!, bestVal, points };
}

// %% id=lc-svm-search
const svmSearch = search(() => new lc.LinearSVM(), lc.svmGetSearchParams(), 500);
console.log(`best SVM validation accuracy: ${(100 * svmSearch.bestVal).toFixed(2)}%`);
showSvg(sweepChart(svmSearch.points, { title: "SVM validation accuracy", xLabel: "learning rate", yLabel: "regularization", logX: true, logY: true }));
svmSearch.best.save("svm_best_model.json", { valAccuracy: svmSearch.bestVal });

// %% id=lc-svm-test
console.log(`SVM test accuracy: ${(100 * accuracy(svmSearch.best.W!, data.X_test, data.y_test)).toFixed(2)}%`);

// %% [markdown] id=lc-templates-md
// ### Weight templates
// Each column of W (without the bias row) reshaped into a 32x32x3 image: what one linear template per class
// looks for.

// %% id=lc-svm-templates
showPicture(weightTemplates(svmSearch.best.W!, { classNames: raw.classNames, perRow: 5 }));

// %% [markdown] id=lc-q2
// **Inline question 2.** Describe what your visualized SVM weights look like, and briefly explain why they look
// the way they do. Why can one template per class not capture a class that comes in two colours?
//
// **Your answer:** YOUR ANSWER

// %% [markdown] id=lc-softmax-md
// ## Softmax
// The softmax classifier uses the cross-entropy loss $L_i = -\log\left(e^{s_{y_i}} / \sum_j e^{s_j}\right)$.
// Write `softmaxLossNaive` (block `softmax-naive`). With tiny weights all classes are equally likely, so the loss
// should be close to $\ln 10 \approx 2.3026$.

// %% id=lc-softmax-naive-loss
manualSeed(0);
const Wtiny = randn(3073, 10).mul(1e-4);
const softmaxNaive = lc.softmaxLossNaive(Wtiny, data.X_dev!, data.y_dev!, 0);
console.log(`Softmax naive loss: ${softmaxNaive.loss.toFixed(6)} (expected about ${Math.log(10).toFixed(6)})`);

// %% [markdown] id=lc-q3
// **Inline question 3.** Why do we expect the initial loss to be close to ln(10)?
//
// **Your answer:** YOUR ANSWER

// %% id=lc-softmax-gradcheck
console.log(`Softmax naive gradient check (reg 0): max relative error ${checkGradient(lc.softmaxLossNaive, 0).toExponential(2)}`);
console.log(`Softmax naive gradient check (reg 10): max relative error ${checkGradient(lc.softmaxLossNaive, 10).toExponential(2)}`);

// %% [markdown] id=lc-softmax-vec-md
// ### Vectorized softmax and numerical stability
// Write `softmaxLossVectorized` (block `softmax-vectorized`). It must match the naive version and must not
// overflow: with W = ones and a large regularization the scores are huge, and a naive exp gives Infinity / NaN.

// %% id=lc-softmax-vectorized
compareNaiveVectorized("Softmax", lc.softmaxLossNaive, lc.softmaxLossVectorized);
function checkStability(): void {
  const W = ones(3073, 10);
  const big = lc.softmaxLossVectorized(W, data.X_dev!, data.y_dev!, 2.5e4);
  const finite = Number.isFinite(big.loss) && !big.dW.ne(big.dW).any() && big.dW.abs().max().item() < Infinity;
  console.log(`Softmax stability (W = ones, reg 2.5e4): ${finite ? "finite" : "NOT finite"}`);
}
checkStability();

// %% [markdown] id=lc-softmax-search-md
// ### Softmax hyperparameters
// Choose a grid in `softmaxGetSearchParams`. The best model is saved to `softmax_best_model.json`.

// %% id=lc-softmax-search
const softmaxSearch = search(() => new lc.Softmax(), lc.softmaxGetSearchParams(), 500);
console.log(`best softmax validation accuracy: ${(100 * softmaxSearch.bestVal).toFixed(2)}%`);
showSvg(sweepChart(softmaxSearch.points, { title: "Softmax validation accuracy", xLabel: "learning rate", yLabel: "regularization", logX: true, logY: true }));
softmaxSearch.best.save("softmax_best_model.json", { valAccuracy: softmaxSearch.bestVal });
console.log(`Softmax test accuracy: ${(100 * accuracy(softmaxSearch.best.W!, data.X_test, data.y_test)).toFixed(2)}%`);

// %% id=lc-softmax-templates
showPicture(weightTemplates(softmaxSearch.best.W!, { classNames: raw.classNames, perRow: 5 }));

// %% [markdown] id=lc-q4
// **Inline question 4.** Suppose the overall training loss is the sum of the per-example losses plus
// regularization. Is it possible to add a new example to the training set that changes the total loss (a) for the
// SVM, (b) for softmax, not at all? Explain.
//
// **Your answer:** YOUR ANSWER

// %% [markdown] id=lc-submit-md
// ## Submit
// Save the notebook (**File ▸ Save**), then run the cell below. It checks your work (designated blocks only,
// notebook executed and saved, saved models present) and writes the zip to upload, or tells you exactly what to fix.

// %% id=lc-submit tags=submit
import { submitFromNotebook } from "./lib/course/notebook-submit";
submitFromNotebook({ ...STUDENT, assignment: "A3" });
