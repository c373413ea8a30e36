/**
 * The held-out split saved models are evaluated on: images from lib/data's synthetic generator with a grader-only
 * seed (derived from the course secret, so students cannot regenerate it), preprocessed exactly like the
 * notebooks do it (lib/data preprocess: [0, 1] scale, per-channel mean of its own training images subtracted,
 * channel-major flatten, optional bias column). Generated once per grader process and key.
 */
import { generateSynthetic, preprocess } from "../../lib/data";
import type { Tensor } from "../../lib/tensor";

export interface HoldoutOptions {
  /** Grader-only seed. */
  seed: string;
  /** Number of held-out images. */
  numImages: number;
  /** Append the constant-1 column (A3's linear classifiers: 3073 features). */
  biasTrick: boolean;
  dtype?: "float64" | "float32";
}

export interface HoldoutSplit {
  X: Tensor;
  y: Tensor;
  description: string;
}

const cache = new Map<string, HoldoutSplit>();

/** Training images generated alongside, only to compute the per-channel mean like preprocess does. */
const MEAN_IMAGES = 1000;

export function holdoutSplit(o: HoldoutOptions): HoldoutSplit {
  const key = JSON.stringify([o.seed, o.numImages, o.biasTrick, o.dtype ?? "float64"]);
  const hit = cache.get(key);
  if (hit) return hit;
  const raw = generateSynthetic({ seed: `holdout:${o.seed}`, numTrain: MEAN_IMAGES, numTest: o.numImages });
  const data = preprocess(raw, { biasTrick: o.biasTrick, validationRatio: 0, dtype: o.dtype ?? "float64" });
  const split = {
    X: data.X_test,
    y: data.y_test,
    description: `${o.numImages} held-out synthetic images (grader-only seed), ${data.X_test.size(1)} features`,
  };
  cache.set(key, split);
  return split;
}
