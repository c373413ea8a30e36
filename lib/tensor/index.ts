/**
 * lib/tensor: a small PyTorch-like tensor for the course notebooks.
 *
 *   import { tensor, zeros, randn, manualSeed } from "./lib/tensor";
 *   manualSeed(0);
 *   const scores = X.matmul(W);                   // [N, C]
 *   const correct = scores.gather(1, y);          // [N]: scores[i, y[i]]
 *   const margins = scores.sub(correct.unsqueeze(1)).add(1).clamp({ min: 0 });
 *
 * Methods mirror torch names (matmul, sum(dim, keepdim), max(dim) -> { values, indices }, gather, scatterAdd_,
 * indexAdd_, clamp, argmax); a trailing underscore means in place. float64 is the default dtype. Every op, the dtype
 * rules and the remaining differences from torch: lib/tensor/README.md.
 *
 * For training loops (fused.ts, pool.ts): sumSquares(W) is W.mul(W).sum().item() without the temporary;
 * matmulInto(out, a, b) writes a product into a tensor you already hold; reluBackward_(grad, h) is
 * grad.mul_(h.gt(0)) without the mask; softmaxLossGrad / svmLossGrad fuse a whole loss and its gradient; all
 * give the op-by-op values bit for bit. release(...tensors) hands dead tensors' memory to the next ops of the
 * same size: call it only when neither the tensor nor a view of it is used again.
 */
export { Tensor, cat, stack, where, matmul, type TensorLike, type ClampBounds } from "./tensor";
// Ops kept in their own files attach themselves to Tensor.prototype on import (see each file's opening comment).
import "./ops-elementwise";
import "./ops-reduce";
import "./ops-shape";
import "./ops-select";
export {
  tensor, zeros, ones, full, zerosLike, onesLike, fullLike, randLike, randnLike, arange, linspace, eye, rand, randn,
  randint, randperm, type CreateOptions,
} from "./create";
export { resultType } from "./promote";
export { Generator, manualSeed, defaultGenerator } from "./random";
export { type DType, DEFAULT_DTYPE } from "./dtype";
export { backendName, setBackend, getBackend, availableBackends, type BackendName } from "./backends";
export type { GemmBackend, FloatArray } from "./backend";
export { saveTensors, loadTensors, encodeTensors, decodeTensors, type TensorFile } from "./io";
export { softmaxLossGrad, svmLossGrad, reluBackward_, sumSquares, matmulInto } from "./fused";
export { release, poolStats, clearPool } from "./pool";
