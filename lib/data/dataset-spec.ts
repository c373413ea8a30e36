/**
 * The DLVR_DATASET environment variable: which dataset a bare `loadDataset()` returns, so students switch datasets
 * without editing (frozen) notebook cells.
 *
 *   DLVR_DATASET=synthetic                                         the embedded dataset (the default)
 *   DLVR_DATASET=fashion-mnist                                     Debian's /usr/share/datasets/fashion-mnist
 *   DLVR_DATASET=fashion-mnist:/data/fmnist?numTrain=10000         another folder, first 10000 training images
 *   DLVR_DATASET=cifar10:/data/cifar-10-batches-bin                CIFAR-10 binary batches
 *   DLVR_DATASET='cifar10:/data/c10?trainBatches=2&allowPartialBatches=1'   a cut-down CIFAR-10 folder
 *
 * Grammar: `<name>[:<folder>][?<key>=<value>&...]` (the folder may not contain "?"). Keys: numTrain, numTest (all
 * datasets), seed (synthetic), trainBatches (CIFAR-10: a count "2" or a list "1,3,5") and allowPartialBatches
 * (CIFAR-10: 1/0, true/false, yes/no). The same text, quoted, heads each dataset's description, and that is how a
 * submission records what its notebooks ran on.
 */

/** Environment variable read by a bare `loadDataset()`. */
export const DATASET_ENV = "DLVR_DATASET";

/** Dataset names DLVR_DATASET and `loadDataset({ source })` accept. */
export const DATASET_NAMES = ["synthetic", "fashion-mnist", "cifar10"] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

/** A parsed DLVR_DATASET value: the dataset and the options it sets. */
export interface DatasetSpec {
  source: DatasetName;
  /** Folder (fashion-mnist, cifar10). */
  dir?: string;
  numTrain?: number;
  numTest?: number;
  /** Synthetic: generator seed. */
  seed?: string;
  /** CIFAR-10: a batch count (batches 1..n) or a list of batch numbers. */
  trainBatches?: number | number[];
  /** CIFAR-10: accept batch files with fewer than 10000 records. */
  allowPartialBatches?: boolean;
}

type Key = "numTrain" | "numTest" | "seed" | "trainBatches" | "allowPartialBatches";
/** Keys each dataset understands, in the order formatDatasetSpec writes them. */
const KEYS: Record<DatasetName, readonly Key[]> = {
  synthetic: ["seed", "numTrain", "numTest"],
  "fashion-mnist": ["numTrain", "numTest"],
  cifar10: ["trainBatches", "allowPartialBatches", "numTrain", "numTest"],
};

const USAGE = `${DATASET_ENV} must look like synthetic, fashion-mnist[:<folder>] or cifar10:<folder>, optionally followed by `
  + "?key=value&... (e.g. cifar10:/data/c10?trainBatches=2&allowPartialBatches=1)";

function count(text: string, key: string, where: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`${where}: ${key} must be a non-negative integer, got "${text}"`);
  return Number(text);
}

function flag(text: string, key: string, where: string): boolean {
  const t = text.toLowerCase();
  if (["1", "true", "yes"].includes(t)) return true;
  if (["0", "false", "no"].includes(t)) return false;
  throw new Error(`${where}: ${key} must be 1 or 0 (true/false, yes/no), got "${text}"`);
}

function batches(text: string, where: string): number | number[] {
  const parts = text.split(",").map((s) => s.trim());
  const nums = parts.map((p) => count(p, "trainBatches", where));
  for (const b of nums) if (b < 1 || b > 5) throw new Error(`${where}: trainBatches are numbered 1..5, got ${b} (a count "2" or a list "1,3")`);
  return parts.length === 1 ? nums[0] : nums;
}

/** Parse a DLVR_DATASET value. Throws an error naming the variable, the bad part and what is allowed. */
export function parseDatasetSpec(text: string, where = DATASET_ENV): DatasetSpec {
  const raw = text.trim();
  const q = raw.indexOf("?");
  const head = q < 0 ? raw : raw.slice(0, q);
  const query = q < 0 ? "" : raw.slice(q + 1);
  const colon = head.indexOf(":");
  const name = (colon < 0 ? head : head.slice(0, colon)).trim().toLowerCase();
  const dir = colon < 0 ? undefined : head.slice(colon + 1).trim();
  if (!(DATASET_NAMES as readonly string[]).includes(name)) {
    throw new Error(`${where}="${text}": unknown dataset "${name}". ${USAGE}`);
  }
  const source = name as DatasetName;
  const spec: DatasetSpec = { source };
  if (dir !== undefined && dir !== "") {
    if (source === "synthetic") throw new Error(`${where}="${text}": the synthetic dataset has no folder; use synthetic?seed=... to change it`);
    spec.dir = dir;
  }
  const here = `${where}="${text}"`;
  for (const pair of query.split("&").filter((s) => s !== "")) {
    const eq = pair.indexOf("=");
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? "" : decodeURIComponent(pair.slice(eq + 1));
    if (!(KEYS[source] as readonly string[]).includes(key)) {
      throw new Error(`${here}: unknown option "${key}" for ${source}; it takes ${KEYS[source].join(", ")}`);
    }
    if (key === "numTrain" || key === "numTest") spec[key] = count(value, key, here);
    else if (key === "seed") spec.seed = value;
    else if (key === "trainBatches") spec.trainBatches = batches(value, here);
    else spec.allowPartialBatches = flag(value, key, here);
  }
  return spec;
}

/** The canonical DLVR_DATASET text for a spec (keys in a fixed order); parseDatasetSpec reads it back. */
export function formatDatasetSpec(spec: DatasetSpec): string {
  let out = spec.source + (spec.dir !== undefined ? `:${spec.dir}` : "");
  const query: string[] = [];
  for (const key of KEYS[spec.source]) {
    const v = spec[key];
    if (v === undefined) continue;
    const text = typeof v === "boolean" ? (v ? "1" : "0") : Array.isArray(v) ? v.join(",") : String(v);
    query.push(`${key}=${key === "seed" ? encodeURIComponent(text) : text}`);
  }
  if (query.length) out += `?${query.join("&")}`;
  return out;
}

/** The DLVR_DATASET value in `env`, parsed; undefined when unset or empty. */
export function datasetSpecFromEnv(env: NodeJS.ProcessEnv = process.env): DatasetSpec | undefined {
  const v = env[DATASET_ENV];
  return v === undefined || v.trim() === "" ? undefined : parseDatasetSpec(v);
}

/**
 * How loadDataset's description starts: `dataset "<spec>" (<how it was chosen>): ` (the spec JSON-quoted).
 * lib/course/submission.ts reads it back from saved notebook outputs (tests/data-fashion-mnist.test.ts ties the two).
 */
export function datasetHeading(spec: string, origin: string): string {
  return `dataset ${JSON.stringify(spec)} (${origin}): `;
}
