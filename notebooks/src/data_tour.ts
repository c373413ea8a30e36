// %% [markdown] id=tour-title
// # A tour of the course data
//
// The assignments train image classifiers on 32x32 colour images in 10 classes. This notebook shows what those
// images look like, why a linear classifier will struggle with them, and what preprocessing does to them.
// Nothing here is graded; just run it (**Kernel ▸ Restart & Run All**).
//
// By default the course uses an **embedded synthetic dataset**: it is generated from a seed in a fraction of a
// second, needs no download, and is the same on every machine. Real photos work too, with the same code: start
// Jupyter with `DLVR_DATASET=fashion-mnist` (installed by the setup) or `DLVR_DATASET=cifar10:<folder>` (see the end).

// %% id=tour-imports
import { loadDataset, preprocess, classMeans, pixelHistogram, SYNTHETIC_CLASSES } from "./lib/data";
import { barChart, lineChart, lookGrid, progress, sampleGrid, showPicture, showSvg, weightTemplates } from "./lib/viz";

// %% [markdown] id=tour-load-md
// ## Loading
// `loadDataset()` returns raw bytes: `trainImages` holds N images of 3072 bytes each, stored like CIFAR-10's
// files: 1024 red values (32 rows of 32), then 1024 green, then 1024 blue. Labels are numbers 0..9;
// `classNames` gives their names.

// %% id=tour-load
// The first line names the dataset (the value of DLVR_DATASET that loads it) and says how it was chosen.
const raw = loadDataset();
console.log(raw.description);
console.log(`train: ${raw.trainLabels.length} images (${raw.trainImages.length} bytes), test: ${raw.testLabels.length} images`);
console.log(`classes: ${raw.classNames.join(", ")}`);

// %% [markdown] id=tour-samples-md
// ## Examples of each class
// One row per class, eight training images each.

// %% id=tour-samples
showPicture(sampleGrid({ images: raw.trainImages, labels: raw.trainLabels, classNames: raw.classNames }, { perClass: 8, scale: 2 }));

// %% [markdown] id=tour-balance-md
// The classes are balanced: every class has (almost) the same number of images in each split.

// %% id=tour-balance
function countPerClass(labels: Int32Array, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}
showSvg(barChart(raw.classNames, [countPerClass(raw.trainLabels, 10), countPerClass(raw.testLabels, 10)], {
  title: "Images per class", yLabel: "images", seriesNames: ["train", "test"],
}));

// %% [markdown] id=tour-looks-md
// ## Several looks per class
// Each class of the synthetic data is a shape that comes in **three looks**: a *typical* look with its own colours
// and place, and a pair of looks at another place whose colours are **exactly inverted** (bright shape on a dark
// background, and dark shape on a bright one). Real photos have the same kind of variety: a horse facing left or
// right, a red car or a blue one. The rows below show three examples of each look, left to right.

// %% id=tour-looks
if (raw.trainLooks) {
  showPicture(lookGrid({ images: raw.trainImages, labels: raw.trainLabels, classNames: raw.classNames, looks: raw.trainLooks }, { perLook: 3 }));
  for (const c of SYNTHETIC_CLASSES.slice(0, 3)) console.log(`${c.name}: ${c.modes.map((m) => m.look).join(" | ")}`);
} else {
  console.log(`(${raw.source} has no look annotations: its classes are real objects, not drawn looks)`);
}

// %% [markdown] id=tour-means-md
// ## What one template per class can see
// A linear classifier scores class $c$ with one weight vector $w_c$ (a "template" the size of an image). The
// simplest template is the **average image of the class**. Averaging the two inverted looks cancels them out, so
// the templates below show only the typical look, blurred by the random positions, plus a flat grey-ish haze.
// Whatever a linear classifier learns, it faces the same limit: it cannot answer "bright on dark **or** dark on
// bright" with a single template. A network with a hidden layer can: different hidden units pick up different
// looks. You will see both in the assignments.

// %% id=tour-means
showPicture(weightTemplates(classMeans(raw.trainImages, raw.trainLabels, 10), { classNames: raw.classNames, title: "Mean training image of each class" }));

// %% [markdown] id=tour-nearest-md
// To put a number on it: classify each test image by the **closest class mean** (a linear classifier in
// disguise) and look at the accuracy separately for the typical look and for the inverted looks.

// %% id=tour-nearest
/**
 * Accuracy of the nearest-class-mean classifier on the test images, split by look (0 = typical, 1-2 = inverted;
 * synthetic data only) and by class.
 */
function nearestMeanAccuracy(): { byLook: number[]; byClass: number[]; overall: number } {
  const means = classMeans(raw.trainImages, raw.trainLabels, 10).data; // [3072, 10], values in [0, 1]
  const imgs = raw.testImages, labels = raw.testLabels, looks = raw.testLooks;
  const correct = [0, 0, 0], total = [0, 0, 0];
  const classOk = new Array<number>(10).fill(0), classTotal = new Array<number>(10).fill(0);
  let ok = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0, bestDist = Infinity;
    for (let c = 0; c < 10; c++) {
      let d = 0;
      for (let k = 0; k < 3072; k++) {
        const e = imgs[i * 3072 + k] / 255 - means[k * 10 + c];
        d += e * e;
      }
      if (d < bestDist) { bestDist = d; best = c; }
    }
    const m = looks ? Math.min(looks[i], 2) : 0;
    total[m]++;
    classTotal[labels[i]]++;
    if (best === labels[i]) { correct[m]++; classOk[labels[i]]++; ok++; }
  }
  const ratio = (c: number[], t: number[]) => c.map((v, k) => (t[k] ? v / t[k] : 0));
  return { byLook: ratio(correct, total), byClass: ratio(classOk, classTotal), overall: ok / labels.length };
}
const nearest = nearestMeanAccuracy();
console.log(`nearest class mean, test accuracy: ${(100 * nearest.overall).toFixed(1)}% (chance: 10%)`);
const percent = (v: number) => `${(100 * v).toFixed(0)}%`;
showSvg(raw.testLooks
  ? barChart(["typical look", "inverted look A", "inverted look B"], nearest.byLook, {
    title: "Nearest class mean: test accuracy by look", yLabel: "accuracy", yMin: 0, yMax: 1, format: percent,
  })
  : barChart(raw.classNames, nearest.byClass, {
    title: "Nearest class mean: test accuracy by class", yLabel: "accuracy", yMin: 0, yMax: 1, format: percent,
  }));

// %% [markdown] id=tour-pixels-md
// ## Pixel values
// Bytes range over 0..255. The histogram below counts training pixels per channel. The spikes at both ends are
// pixels that the added noise pushed past black or white and that were clipped to 0 or 255.

// %% id=tour-pixels
const hist = pixelHistogram(raw.trainImages, 32);
showSvg(lineChart([
  { name: "red", x: hist.binCenters, y: hist.r, color: "#d62728" },
  { name: "green", x: hist.binCenters, y: hist.g, color: "#2ca02c" },
  { name: "blue", x: hist.binCenters, y: hist.b, color: "#1f77b4" },
], { title: "Pixel values in the training images", xLabel: "byte value", yLabel: "pixels", yMin: 0 }));

// %% [markdown] id=tour-preprocess-md
// ## Preprocessing
// `preprocess` turns the bytes into what the classifiers consume, like the reference course's
// `preprocess_cifar10`:
// 1. scale to [0, 1] and subtract the mean of each colour channel over the training images,
// 2. flatten every image into one row of 3072 numbers (all red values, then green, then blue),
// 3. optionally append a constant 1 to each row (the **bias trick**: 3073 columns, the last row of $W$ is the bias),
// 4. hold out the last 10% of the training images as a **validation** set for choosing hyperparameters.

// %% id=tour-preprocess
const data = preprocess(raw, { biasTrick: true, validationRatio: 0.1, numDev: 500 });
for (const name of ["X_train", "y_train", "X_val", "y_val", "X_test", "y_test", "X_dev", "y_dev"] as const) {
  const t = data[name]!;
  console.log(`${name.padEnd(8)} shape ${JSON.stringify(t.shape).padEnd(12)} ${t.dtype}`);
}
console.log(`subtracted channel means (R, G, B): ${data.mean.map((m) => m.toFixed(3)).join(", ")}`);

// %% id=tour-check-mean
/** Mean of each channel over the rows of X (should be ~0 for X_train after preprocessing). */
function channelMeansOf(X: { data: ArrayLike<number>; shape: readonly number[] }): number[] {
  const n = X.shape[0], D = X.shape[1];
  const sums = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let k = 0; k < 3072; k++) sums[(k / 1024) | 0] += X.data[i * D + k];
  return sums.map((s) => s / (n * 1024));
}
console.log(`X_train channel means after preprocessing: ${channelMeansOf(data.X_train).map((m) => m.toExponential(1)).join(", ")}`);

// %% [markdown] id=tour-progress-md
// ## Progress bars
// Training loops in the assignments report progress with `progress`: one line that updates in place here, and a
// plain text bar when the same code runs in a terminal. Call `update` as often as you like; it redraws at most
// four times a second.

// %% id=tour-progress
async function demoProgress(): Promise<void> {
  const steps = 20;
  const bar = progress({ total: steps, label: "demo" });
  for (let i = 1; i <= steps; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    bar.update(i, { loss: 2.3 / i });
  }
  bar.done();
}
await demoProgress();

// %% [markdown] id=tour-cifar-md
// ## Using real photos
// One environment variable, `DLVR_DATASET`, chooses what a bare `loadDataset()` returns, so no cell needs editing:
// - `DLVR_DATASET=fashion-mnist npm run notebook`: **Fashion-MNIST**, 70000 photos of clothing in 10 classes, which
//   `bash scripts/setup.sh` installs from Debian (`dataset-fashion-mnist`, under `/usr/share/datasets/fashion-mnist/`).
//   Its 28x28 grayscale images are padded to 32x32 and copied to three channels, so they fit every cell here.
// - `DLVR_DATASET=cifar10:/path/to/cifar-10-batches-bin npm run notebook`: **CIFAR-10**. Download the *binary version*
//   (`cifar-10-binary.tar.gz`, about 162 MB) from https://www.cs.toronto.edu/~kriz/cifar.html, or run
//   `npx tsx lib/data/cifar10-download.ts data` in the project folder (it checks the MD5 and unpacks the archive).
//   A folder with fewer or smaller batch files needs `?trainBatches=2&allowPartialBatches=1`.
// - Options after `?`: `numTrain=10000&numTest=2000` load a subset (real datasets have ten times more images than the
//   embedded 5000 + 1000, so preprocessing and scoring take longer); `DLVR_DATASET=synthetic` is the default.
//
// In code, `loadDataset({ source: "fashion-mnist" })` or `loadDataset({ source: "cifar10", dir, trainBatches: 2 })`
// insist on one dataset whatever the variable says.
