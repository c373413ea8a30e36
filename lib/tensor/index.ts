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
