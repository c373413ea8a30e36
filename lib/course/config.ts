/**
 * Assignment configs: grader/assignments/<ID>.json, validated against lib/course/schemas/assignment.schema.json
 * (errors name the field: `A3.json: modules[0].student: ...`) plus checks a schema cannot express.
 * Release-only: the student bundle carries the release manifest instead.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import configSchema from "./schemas/assignment.schema.json";
import { validateWithSchema } from "./schema";

export const CONFIG_DIR = "grader/assignments";

export interface ModuleConfig {
  solution: string;
  student: string;
  allowedImports: string[];
}

export interface BlockConfig {
  points: number;
  vectorized?: boolean;
  forbiddenApis?: string[];
}

/** Late policy: percent of the points possible per started day after the deadline (grace period first), capped. */
export interface LatePolicyConfig {
  /** ISO 8601 with a time zone. */
  deadline: string;
  graceMinutes?: number;
  penaltyPerDay: number;
  maxPenalty?: number;
}

/** How the grade is exported to the LMS (gradebook-canvas.csv). */
export interface LmsConfig {
  assignmentName?: string;
  columns?: "total" | "blocks" | "questions";
  /** Question name -> block ids (for columns: "questions"). */
  questions?: Record<string, string[]>;
}

export interface AssignmentConfig {
  id: string;
  title: string;
  modules: ModuleConfig[];
  notebooks: string[];
  blocks: Record<string, BlockConfig>;
  requiredFiles: string[];
  publicTests: string[];
  late?: LatePolicyConfig;
  lms?: LmsConfig;
}

export class ConfigError extends Error {
  constructor(readonly file: string, readonly errors: string[]) {
    super(`${file}: invalid assignment config\n  ${errors.join("\n  ")}`);
  }
}

function duplicates(values: string[]): string[] {
  return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}

/** Validates parsed config data; `expectedId` is the id implied by the file name. */
export function validateConfig(data: unknown, expectedId?: string): string[] {
  const errors = validateWithSchema(configSchema, data);
  if (errors.length) return errors;
  const c = data as AssignmentConfig;
  if (expectedId && c.id !== expectedId) errors.push(`id: "${c.id}" does not match the file name (${expectedId}.json)`);
  for (const [field, values] of [
    ["modules[].solution", c.modules.map((m) => m.solution)],
    ["modules[].student", c.modules.map((m) => m.student)],
    ["notebooks", c.notebooks],
    ["requiredFiles", c.requiredFiles],
    ["publicTests", c.publicTests],
  ] as const) {
    for (const d of duplicates([...values])) errors.push(`${field}: "${d}" is listed twice`);
  }
  c.requiredFiles.forEach((f, i) => {
    if (/^(solutions|grader|student_src|notebooks|tests)\//.test(f) || f.endsWith(".ts") || f.endsWith(".ipynb")) {
      errors.push(`requiredFiles[${i}]: "${f}" must be an output the notebook writes (e.g. svm_best_model.json), not a source file`);
    }
  });
  if (c.late && !Number.isFinite(new Date(c.late.deadline).getTime())) errors.push(`late.deadline: "${c.late.deadline}" is not a valid time`);
  if (c.lms?.columns === "questions" && !c.lms.questions) errors.push('lms.questions: needed when lms.columns is "questions"');
  const owner = new Map<string, string>();
  for (const [q, ids] of Object.entries(c.lms?.questions ?? {})) {
    for (const id of ids) {
      if (!(id in c.blocks)) errors.push(`lms.questions["${q}"]: "${id}" is not a block of this assignment`);
      else if (owner.has(id)) errors.push(`lms.questions["${q}"]: block "${id}" is already counted in "${owner.get(id)}"`);
      else owner.set(id, q);
    }
  }
  return errors;
}

export function configPath(root: string, id: string): string {
  return path.join(root, CONFIG_DIR, `${id}.json`);
}

export function loadConfig(root: string, id: string): AssignmentConfig {
  const file = configPath(root, id);
  const rel = path.relative(root, file);
  if (!fs.existsSync(file)) {
    const known = listConfigs(root);
    throw new ConfigError(rel, [`no such assignment config (known: ${known.join(", ") || "none"})`]);
  }
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new ConfigError(rel, [`not valid JSON: ${(err as Error).message}`]);
  }
  const errors = validateConfig(data, id);
  if (errors.length) throw new ConfigError(rel, errors);
  const c = data as AssignmentConfig & { $schema?: string };
  delete c.$schema;
  return c;
}

/** Assignment ids with a config, sorted by number (A3 before A10). */
export function listConfigs(root: string): string[] {
  const dir = path.join(root, CONFIG_DIR);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /^A\d+\.json$/.test(f))
    .map((f) => f.slice(0, -5))
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}
