/**
 * A3 block variants for the similarity tests, the class-report test and the similarity benchmark: a copy of the
 * reference solution with every local renamed and the layout and comments changed (a disguised copy), and two
 * correct solutions written independently in other styles (they pass the hidden tests and do not look alike).
 */
import { parseBlocks } from "../../lib/course/blocks";

/** The module text with the bodies of the given blocks replaced. */
export function withBlocks(text: string, bodies: Record<string, string>): string {
  const parsed = parseBlocks(text);
  const lines = [...parsed.lines];
  for (const b of [...parsed.blocks].reverse()) {
    if (!(b.id in bodies)) continue;
    lines.splice(b.begin + 1, b.end - b.begin - 1, ...bodies[b.id].replace(/\n$/, "").split("\n"));
  }
  return `${lines.join("\n").replace(/\n*$/, "")}\n`;
}

/** Renames whole-word identifiers inside the blocks only (frozen code is left as released). */
export function renameInBlocks(text: string, renames: Record<string, string>, blocks?: string[]): string {
  const parsed = parseBlocks(text);
  const bodies: Record<string, string> = {};
  for (const b of parsed.blocks) {
    if (blocks && !blocks.includes(b.id)) continue;
    let body = parsed.lines.slice(b.begin + 1, b.end).join("\n");
    for (const [from, to] of Object.entries(renames)) body = body.replace(new RegExp(`\\b${from}\\b`, "g"), to);
    bodies[b.id] = body;
  }
  return withBlocks(text, bodies);
}

/**
 * The reference solution as a copier would disguise it: locals renamed, comments removed or reworded, blank
 * lines and spacing changed. Same token stream after normalization.
 */
export function disguisedCopy(solved: string): string {
  const renamed = renameInBlocks(renameInBlocks(solved, { numTrain: "count" }, ["svm-vectorized-loss", "svm-vectorized-grad", "softmax-naive", "softmax-vectorized"]), {
    scores: "allScores", correct: "own", margins: "hinge", coeff: "mask", idx: "picks",
    numClasses: "nc", maxScore: "top", total: "denominator", expScores: "ex", shifted: "stable", logProbs: "lp", dscores: "g",
  }, ["svm-vectorized-loss", "svm-vectorized-grad", "sample-batch", "softmax-naive", "softmax-vectorized"]);
  const parsed = parseBlocks(renamed);
  const bodies: Record<string, string> = {};
  for (const b of parsed.blocks) {
    const body = parsed.lines.slice(b.begin + 1, b.end)
      .filter((l) => !/^\s*\/\//.test(l))
      .map((l) => l.replace(/ = /g, "  =  ").replace(/, /g, ",").replace(/;$/, ";  // done"));
    bodies[b.id] = ["", "    // my own work", ...body, ""].join("\n");
  }
  return withBlocks(renamed, bodies);
}

/** Independent solution 1: hinge via maximum, counting trick for the correct class, log-softmax. */
export const VARIANT_ONE: Record<string, string> = {
  "svm-naive-grad": `        const row = X.get(i);
        dW.select(1, yi).add_(row, -1);
        dW.select(1, j).add_(row, 1);`,
  "svm-naive-reg-grad": `  dW.mul_(1 / numTrain);
  dW.add_(W.mul(2 * reg));`,
  "svm-vectorized-loss": `  const n = X.shape[0];
  const s = X.mm(W);
  const sCorrect = s.gather(1, y);
  const hinge = s.sub(sCorrect.unsqueeze(1)).add(1).maximum(zerosLike(s));
  // every correct-class entry is exactly 1: take them off instead of masking
  loss = (hinge.sum().item() - n) / n + reg * W.square().sum().item();`,
  "svm-vectorized-grad": `  const active = hinge.gt(0).to(W.dtype);
  const counts = active.sum(1).sub(1);
  active.scatter_(1, y, counts.neg());
  dW = X.t().mm(active).div(n).add(W.mul(2 * reg));`,
  "sample-batch": `  const picks = randint(0, numTrain, [batchSize], { generator });
  yBatch = y.indexSelect(0, picks);
  XBatch = X.indexSelect(0, picks);`,
  "sgd-update": `    weights.sub_(dW.mul(learningRate));`,
  "linear-predict": `  const classScores = X.mm(W);
  yPred = classScores.argmax(1);`,
  "test-one-param-set": `  cls.train(data.X_train, data.y_train, { numIters, reg, learningRate: lr, generator });
  const accuracy = (inputs: Tensor, labels: Tensor): number => cls.predict(inputs).eq(labels).double().mean().item();
  trainAcc = accuracy(data.X_train, data.y_train);
  valAcc = accuracy(data.X_val, data.y_val);`,
  "softmax-naive": `  const N = X.size(0);
  const C = W.size(1);
  for (let n = 0; n < N; n++) {
    const x = X.get(n);
    const z: number[] = [];
    for (let c = 0; c < C; c++) z.push(x.dot(W.select(1, c)));
    const zMax = Math.max(...z);
    const ez = z.map((v) => Math.exp(v - zMax));
    const denom = ez.reduce((a, b) => a + b, 0);
    const label = y.at(n);
    loss += Math.log(denom) - (z[label] - zMax);
    ez.forEach((v, c) => {
      dW.select(1, c).add_(x, v / denom - (c === label ? 1 : 0));
    });
  }
  loss /= N;
  loss += reg * W.square().sum().item();
  dW.div_(N);
  dW.add_(W, 2 * reg);`,
  "softmax-vectorized": `  const N = X.size(0);
  const logits = X.mm(W);
  const z = logits.sub(logits.max(1, true).values);
  const logp = z.sub(z.exp().sum(1, true).log());
  loss = -logp.gather(1, y).mean().item() + reg * W.square().sum().item();
  const onehot = zerosLike(logp);
  onehot.scatter_(1, y, 1);
  dW = X.t().mm(logp.exp().sub(onehot)).div(N).add(W.mul(2 * reg));`,
  "svm-search-params": `  learningRates = [5e-3, 1e-3];
  regularizationStrengths = [0.1, 1];`,
  "softmax-search-params": `  learningRates = [3e-2, 1e-2];
  regularizationStrengths = [0.1, 0.01];`,
};

/** Independent solution 2: masks built with scatter, per-row tensors in the naive softmax. */
export const VARIANT_TWO: Record<string, string> = {
  "svm-naive-grad": `        dW.select(1, j).add_(X.get(i), 1.0);
        dW.select(1, yi).add_(X.get(i), -1.0);`,
  "svm-naive-reg-grad": `  const scaled = dW.div(numTrain).add(W.mul(reg * 2));
  dW.copy_(scaled);`,
  "svm-vectorized-loss": `  const count = X.size(0);
  const allScores = X.matmul(W);
  const own = allScores.gather(1, y).unsqueeze(1);
  const raw = allScores.sub(own).add(1);
  const isCorrect = zerosLike(raw);
  isCorrect.scatter_(1, y, 1);
  const marg = raw.gt(0).logicalAnd(isCorrect.eq(0)).to(raw.dtype).mul(raw);
  loss = marg.sum().item() / count + reg * W.mul(W).sum().item();`,
  "svm-vectorized-grad": `  const ind = marg.gt(0).to(W.dtype);
  const perRow = ind.sum(1, true);
  const coef = ind.sub(isCorrect.mul(perRow));
  dW = X.t().matmul(coef).mul(1 / count).add(W.mul(reg * 2));`,
  "sample-batch": `  const rows = randint(0, numTrain, [batchSize], { generator: generator });
  XBatch = X.indexSelect(0, rows);
  yBatch = y.indexSelect(0, rows);`,
  "sgd-update": `    weights.add_(dW.mul(-learningRate));`,
  "linear-predict": `  const best = X.matmul(W).max(1);
  yPred = best.indices;`,
  "test-one-param-set": `  const trained = cls.train(data.X_train, data.y_train, { learningRate: lr, reg: reg, numIters: numIters, generator: generator });
  void trained;
  const correctTrain = cls.predict(data.X_train).eq(data.y_train).double().sum().item();
  const correctVal = cls.predict(data.X_val).eq(data.y_val).double().sum().item();
  trainAcc = correctTrain / data.y_train.numel();
  valAcc = correctVal / data.y_val.numel();`,
  "softmax-naive": `  const numEx = X.size(0);
  for (let r = 0; r < numEx; r++) {
    const xr = X.get(r);
    const sc = W.t().mv(xr);
    const stable = sc.sub(sc.max().item());
    const ex = stable.exp();
    const tot = ex.sum().item();
    const t = y.at(r);
    loss += -stable.at(t) + Math.log(tot);
    const prob = ex.div(tot);
    for (let c = 0; c < W.size(1); c++) {
      const coefficient = prob.at(c) - (c === t ? 1 : 0);
      dW.select(1, c).add_(xr, coefficient);
    }
  }
  loss = loss / numEx + reg * W.pow(2).sum().item();
  dW.div_(numEx).add_(W.mul(2 * reg));`,
  "softmax-vectorized": `  const m = X.size(0);
  const S = X.mm(W);
  const Sh = S.sub(S.max(1, true).values);
  const lse = Sh.exp().sum(1, true).log();
  const P = Sh.sub(lse).exp();
  loss = (lse.sum().item() - Sh.gather(1, y).sum().item()) / m + reg * W.mul(W).sum().item();
  const Y = zerosLike(P);
  Y.scatter_(1, y, 1);
  dW = X.t().mm(P.sub(Y)).div(m).add(W.mul(2 * reg));`,
  "svm-search-params": `  learningRates = [1e-3, 2e-3, 4e-3];
  regularizationStrengths = [0.05, 0.5];`,
  "softmax-search-params": `  learningRates = [1e-2, 2e-2, 5e-2];
  regularizationStrengths = [0.01, 0.1];`,
};
