// lib/lecture: the helpers behind the lecture demos of the A4 notebook.
import { describe, expect, it } from "vitest";
import { computeNumericGradient, relError } from "../lib/gradcheck";
import {
  ACTIVATIONS, activationCurves, activationGrad, applyActivation, decisionPicture, DenseNet, erf, makeCircles,
  makeFoldedData, makeMoons, makeSpirals, pictureRow, reluApproximation, trainDenseNet, type ActivationName,
} from "../lib/lecture";
import { tensor, type Tensor } from "../lib/tensor";
import { decodePng } from "../lib/viz";

const NAMES = Object.keys(ACTIVATIONS) as ActivationName[];

describe("activations", () => {
  it("have the textbook values", () => {
    const a = ACTIVATIONS;
    expect(a.relu.f(-2)).toBe(0);
    expect(a.relu.f(3)).toBe(3);
    expect(a["leaky-relu"].f(-2)).toBeCloseTo(-0.2, 12);
    expect(a.sigmoid.f(0)).toBe(0.5);
    expect(a.sigmoid.f(-800)).toBe(0); // no overflow
    expect(a.tanh.f(0)).toBe(0);
    expect(a.elu.f(-50)).toBeCloseTo(-1, 12);
    expect(a.elu.f(2)).toBe(2);
    expect(a.gelu.f(0)).toBe(0);
    expect(a.gelu.f(6)).toBeCloseTo(6, 6);
    expect(a.gelu.f(-6)).toBeCloseTo(0, 6);
    expect(a.gelu.f(1)).toBeCloseTo(0.8413447, 6); // 1 * Phi(1)
    expect(erf(0.5)).toBeCloseTo(0.5204999, 6);
    expect(erf(-0.5)).toBeCloseTo(-0.5204999, 6);
  });

  it("derivatives match finite differences", () => {
    for (const name of NAMES) {
      const { f, df } = ACTIVATIONS[name];
      for (const x of [-3.1, -0.7, -0.2, 0.3, 1.1, 2.9]) {
        const h = 1e-6;
        expect(df(x), `${name}'(${x})`).toBeCloseTo((f(x + h) - f(x - h)) / (2 * h), 5);
      }
    }
  });

  it("apply elementwise to tensors", () => {
    const x = tensor([[-1, 0.5], [2, -3]]);
    expect(applyActivation("relu", x).tolist()).toEqual([[0, 0.5], [2, 0]]);
    expect(activationGrad("relu", x).tolist()).toEqual([[0, 1], [1, 0]]);
    expect(applyActivation("sigmoid", x).at(0, 1)).toBeCloseTo(ACTIVATIONS.sigmoid.f(0.5), 12);
    expect(x.tolist()).toEqual([[-1, 0.5], [2, -3]]); // input untouched
    const f32 = applyActivation("tanh", x.to("float32"));
    expect(f32.dtype).toBe("float32");
  });

  it("curves for plotting", () => {
    const curves = activationCurves();
    expect(curves.map((c) => c.name)).toEqual(["sigmoid", "tanh", "relu", "leaky-relu", "elu", "gelu"]);
    expect(curves[0].x).toHaveLength(161);
    expect(curves[0].x[0]).toBe(-4);
    expect(curves[0].x[160]).toBe(4);
    const d = activationCurves(["relu"], { derivative: true, points: 5, lo: -2, hi: 2 });
    expect(d[0]).toEqual({ name: "relu'", x: [-2, -1, 0, 1, 2], y: [0, 0, 0, 1, 1] });
  });
});

describe("2-D datasets", () => {
  it("have the requested sizes and labels, and are reproducible", () => {
    const s = makeSpirals({ numClasses: 4, perClass: 25 });
    expect(s.X.shape).toEqual([100, 2]);
    expect(s.y.dtype).toBe("int32");
    expect(s.numClasses).toBe(4);
    expect(s.y.toArray().filter((v) => v === 3)).toHaveLength(25);
    expect(makeSpirals({ numClasses: 4, perClass: 25 }).X.tolist()).toEqual(s.X.tolist());
    expect(makeSpirals({ numClasses: 4, perClass: 25, seed: 1 }).X.tolist()).not.toEqual(s.X.tolist());
    for (const d of [makeMoons({ n: 50 }), makeCircles({ n: 50 })]) {
      expect(d.X.shape).toEqual([50, 2]);
      expect(new Set(d.y.toArray())).toEqual(new Set([0, 1]));
      const [x0, x1, y0, y1] = d.bounds;
      const X = d.X.toArray();
      for (let i = 0; i < 50; i++) {
        expect(X[2 * i]).toBeGreaterThan(x0);
        expect(X[2 * i]).toBeLessThan(x1);
        expect(X[2 * i + 1]).toBeGreaterThan(y0);
        expect(X[2 * i + 1]).toBeLessThan(y1);
      }
    }
    expect(makeMoons({ n: 10, scale: 3 }).X.tolist()).toEqual(makeMoons({ n: 10 }).X.mul(3).tolist());
  });

  it("folded data: no line separates x, but a line separates h = ReLU(W x)", () => {
    const d = makeFoldedData({ n: 300 });
    const linX = new DenseNet(2, [], 2, { seed: 0 });
    trainDenseNet(linX, d.X, d.y, { learningRate: 0.5, momentum: 0.9, numIters: 500 });
    expect(linX.accuracy(d.X, d.y)).toBeLessThan(0.95);
    const H = d.X.matmul(d.W.t()).clamp({ min: 0 });
    const linH = new DenseNet(2, [], 2, { seed: 0 });
    trainDenseNet(linH, H, d.y, { learningRate: 0.5, momentum: 0.9, numIters: 500 });
    expect(linH.accuracy(H, d.y)).toBe(1);
  });
});

describe("DenseNet", () => {
  function numericCheck(net: DenseNet, X: Tensor, y: Tensor, reg: number): number {
    const { grads } = net.lossAndGrads(X, y, reg);
    let worst = 0;
    net.layers.forEach((layer, l) => {
      for (const key of ["W", "b"] as const) {
        const numeric = computeNumericGradient(() => net.lossAndGrads(X, y, reg).loss, layer[key], undefined, 1e-6);
        worst = Math.max(worst, relError(numeric, grads[l][key]));
      }
    });
    return worst;
  }

  it("backprop matches numeric gradients for several activations and depths", () => {
    const d = makeSpirals({ perClass: 6 });
    for (const activation of ["relu", "tanh", "gelu", "leaky-relu"] as ActivationName[]) {
      const net = new DenseNet(2, [7, 5], 3, { activation, seed: 1 });
      expect(numericCheck(net, d.X, d.y, 0.01), activation).toBeLessThan(1e-6);
    }
    expect(numericCheck(new DenseNet(2, [], 3), d.X, d.y, 0.1)).toBeLessThan(1e-6);
  });

  it("without activations the layers multiply out to one linear layer", () => {
    const net = new DenseNet(4, [6, 5], 3, { activation: "identity", seed: 2 });
    for (const l of net.layers) l.b = tensor(Array.from({ length: l.b.size(0) }, (_, i) => 0.1 * i - 0.2));
    const [L1, L2, L3] = net.layers;
    const W = L1.W.matmul(L2.W).matmul(L3.W);
    const b = L1.b.matmul(L2.W).matmul(L3.W).add(L2.b.matmul(L3.W)).add(L3.b);
    const X = makeSpirals({ perClass: 5 }).X.matmul(tensor([[1, 0, 2, -1], [0.5, 1, 0, 3]]));
    expect(relError(net.scores(X), X.matmul(W).add(b))).toBeLessThan(1e-12);
  });

  it("a ReLU net fits the spirals; a linear one cannot", () => {
    const d = makeSpirals();
    const net = new DenseNet(2, [100], 3, { seed: 0 });
    const { lossHistory } = trainDenseNet(net, d.X, d.y, { learningRate: 0.5, momentum: 0.9, reg: 1e-3, numIters: 600 });
    expect(lossHistory).toHaveLength(600);
    expect(lossHistory.at(-1)!).toBeLessThan(lossHistory[0]);
    expect(net.accuracy(d.X, d.y)).toBeGreaterThan(0.95);
    expect(net.hidden(d.X).shape).toEqual([300, 100]);
    expect(net.hidden(d.X).min().item()).toBe(0);
    const lin = new DenseNet(2, [], 3, { seed: 0 });
    trainDenseNet(lin, d.X, d.y, { learningRate: 0.5, numIters: 300 });
    expect(lin.accuracy(d.X, d.y)).toBeLessThan(0.65);
  });

  it("momentum gets further than plain SGD with the same steps", () => {
    const d = makeSpirals();
    const run = (momentum: number) => {
      const net = new DenseNet(2, [100], 3, { seed: 0 });
      return trainDenseNet(net, d.X, d.y, { learningRate: 0.05, momentum, reg: 1e-3, numIters: 300, batchSize: 64, seed: 3 }).lossHistory;
    };
    const sgd = run(0), mom = run(0.9);
    expect(sgd[0]).toBe(mom[0]); // same start
    const tail = (h: number[]) => h.slice(-20).reduce((p, q) => p + q, 0) / 20;
    expect(tail(mom)).toBeLessThan(tail(sgd) * 0.8);
  });

  it("float32 weights on request", () => {
    const net = new DenseNet(3, [4], 2, { dtype: "float32" });
    expect(net.layers[0].W.dtype).toBe("float32");
    expect(net.scores(tensor([[1, 2, 3]], { dtype: "float32" })).dtype).toBe("float32");
  });
});

describe("universal approximation with ReLUs", () => {
  const f = (x: number) => Math.sin(2 * Math.PI * x) + 0.5 * x;

  it("is exact at the knots and the error shrinks with more units", () => {
    const errors = [2, 4, 8, 16, 32].map((units) => {
      const g = reluApproximation(f, units);
      expect(g.shifts).toHaveLength(units);
      for (let i = 0; i <= units; i++) expect(g.evaluate(i / units)).toBeCloseTo(f(i / units), 10);
      let worst = 0;
      for (let k = 0; k <= 400; k++) worst = Math.max(worst, Math.abs(g.evaluate(k / 400) - f(k / 400)));
      return worst;
    });
    for (let i = 1; i < errors.length; i++) expect(errors[i]).toBeLessThan(errors[i - 1]);
    expect(errors.at(-1)!).toBeLessThan(0.01);
  });

  it("is a two-layer ReLU net", () => {
    const g = reluApproximation(f, 6, -1, 2);
    const xs = tensor([[-1], [-0.3], [0.4], [1.7], [2]]);
    const { W1, b1, W2, b2 } = g.params;
    expect(W1.shape).toEqual([1, 6]);
    const out = xs.matmul(W1).add(b1).clamp({ min: 0 }).matmul(W2).add(b2).toArray();
    [-1, -0.3, 0.4, 1.7, 2].forEach((x, i) => expect(out[i]).toBeCloseTo(g.evaluate(x), 12));
  });
});

describe("pictures", () => {
  it("colours the plane by the predicted class and draws the boundary and the points", () => {
    const data = { X: tensor([[-0.5, 0.5]]), y: tensor([1], { dtype: "int32" }) };
    // class 1 where x > 0 (scores), else class 0
    const pic = decisionPicture((X) => X.select(1, 0).gt(0).to("int32"), data, { bounds: [-1, 1, -1, 1], size: 101, title: "half <planes>" });
    const img = decodePng(pic.png);
    expect([img.width, img.height]).toEqual([101, 101]);
    const px = (x: number, y: number) => Array.from(img.data.subarray((y * 101 + x) * 4, (y * 101 + x) * 4 + 3));
    const left = px(10, 90), right = px(90, 90);
    expect(left[2]).toBeGreaterThan(left[0]); // light blue: class 0
    expect(right[0]).toBeGreaterThan(right[2]); // light red: class 1
    expect(px(50, 90)).toEqual([90, 90, 90]); // boundary: x = 0 is class 0, x = 0.02 class 1
    expect(px(49, 90)).toEqual(left);
    // the point at (-0.5, 0.5) is drawn in class 1's dark red on the blue side
    expect(px(25, 25)).toEqual([214, 39, 40]);
    expect(pic.html).toContain("half &lt;planes&gt;");
    expect(pic.html).toContain("data:image/png;base64,");
    const row = pictureRow([pic, decisionPicture(null, data, { axes: true })]);
    expect(row.match(/<img /g)).toHaveLength(2);
  });

  it("scatter only: white background and grey axes", () => {
    const data = { X: tensor([[0.9, 0.9]]), y: tensor([0], { dtype: "int32" }), bounds: [-1, 1, -1, 1] as [number, number, number, number] };
    const img = decodePng(decisionPicture(null, data, { size: 41, axes: true }).png);
    const px = (x: number, y: number) => Array.from(img.data.subarray((y * 41 + x) * 4, (y * 41 + x) * 4 + 3));
    expect(px(5, 5)).toEqual([255, 255, 255]);
    expect(px(20, 5)).toEqual([150, 150, 150]);
    expect(px(38, 2)).toEqual([31, 119, 180]);
  });
});
