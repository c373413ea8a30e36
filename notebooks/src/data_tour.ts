// %% [markdown] id=tour-title
// # A tour of the course data
//
// The assignments train image classifiers on 32x32 colour images in 10 classes. This notebook shows what those
// images look like, why a linear classifier will struggle with them, and what preprocessing does to them.
// Nothing here is graded; just run it (**Kernel ▸ Restart & Run All**).
//
// By default the course uses an **embedded synthetic dataset**: it is generated from a seed in a fraction of a
// second, needs no download, and is the same on every machine. If you have the real CIFAR-10 (binary version),
// set `CIFAR10_DIR` to its folder before starting Jupyter and the same code loads CIFAR-10 instead (see the end).

// %% id=tour-imports
import { loadDataset, preprocess, classMeans, pixelHistogram, SYNTHETIC_CLASSES } from "./lib/data";
import { barChart, lineChart, lookGrid, progress, sampleGrid, showPicture, showSvg, weightTemplates } from "./lib/viz";

// %% [markdown] id=tour-load-md
// ## Loading
// `loadDataset()` returns raw bytes: `trainImages` holds N images of 3072 bytes each, stored like CIFAR-10's
// files: 1024 red values (32 rows of 32), then 1024 green, then 1024 blue. Labels are numbers 0..9;
// `classNames` gives their names.

// %% id=tour-load
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
  console.log("(CIFAR-10 has no look annotations)");
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
/** Accuracy of the nearest-class-mean classifier on the test images, split by look (0 = typical, 1-2 = inverted). */
function nearestMeanAccuracy(): { byLook: number[]; overall: number } {
  const means = classMeans(raw.trainImages, raw.trainLabels, 10).data; // [3072, 10], values in [0, 1]
  const imgs = raw.testImages, labels = raw.testLabels, looks = raw.testLooks;
  const correct = [0, 0, 0], total = [0, 0, 0];
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
    if (best === labels[i]) { correct[m]++; ok++; }
  }
  return { byLook: correct.map((c, m) => (total[m] ? c / total[m] : NaN)), overall: ok / labels.length };
}
const nearest = nearestMeanAccuracy();
console.log(`nearest class mean, test accuracy: ${(100 * nearest.overall).toFixed(1)}% (chance: 10%)`);
showSvg(barChart(["typical look", "inverted look A", "inverted look B"], nearest.byLook, {
  title: "Nearest class mean: test accuracy by look", yLabel: "accuracy", yMin: 0, yMax: 1,
  format: (v) => `${(100 * v).toFixed(0)}%`,
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
// ## Using the real CIFAR-10
// 1. Download the **binary version** (`cifar-10-binary.tar.gz`, about 162 MB) from
//    https://www.cs.toronto.edu/~kriz/cifar.html, or run `npx tsx lib/data/cifar10-download.ts data` in the
//    project folder (it checks the MD5 and unpacks the archive).
// 2. Unpack it (`tar xzf cifar-10-binary.tar.gz`), which creates `cifar-10-batches-bin/`.
// 3. Start Jupyter with `CIFAR10_DIR=/path/to/cifar-10-batches-bin npm run notebook`, or load it explicitly:
//    `loadDataset({ source: "cifar10", dir: "/path/to/cifar-10-batches-bin" })`.
//
// With CIFAR-10 the same notebooks train on 45000 + 5000 images instead of 4500 + 500, so expect training to take
// about ten times longer. `loadDataset({ source: "cifar10", numTrain: 10000 })` loads a subset.
