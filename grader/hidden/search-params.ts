/** Grading a hyperparameter grid returned by a student's get-search-params function. */
import { describeValue } from "../score/compare";
import type { Verdict } from "./types";

export interface GridRule {
  /** Field names in the order shown. */
  fields: string[];
  /** At least this many values per field (per field name). */
  minValues: Record<string, number>;
  /** The number of combinations must stay below this. */
  maxCombinations: number;
  /** Fields whose values must be positive integers (e.g. hidden sizes), with an upper bound. */
  integers?: Record<string, number>;
  /** Fields whose values must lie in (0, 1] (e.g. learning-rate decays). */
  fractions?: string[];
}

export function gradeGrid(value: unknown, fn: string, rule: GridRule): Verdict {
  if (value === null || typeof value !== "object" || Array.isArray(value) || "$notAnObject" in value || "$other" in value) {
    return { fraction: 0, lines: [`${fn} returned ${describeValue(value)}`] };
  }
  const v = value as Record<string, unknown>;
  const problems: string[] = [];
  const sizes: number[] = [];
  for (const key of rule.fields) {
    const xs = v[key];
    if (!Array.isArray(xs)) {
      problems.push(`${key} is ${describeValue(xs)}, expected an array of numbers`);
      continue;
    }
    sizes.push(xs.length);
    const min = rule.minValues[key] ?? 1;
    if (xs.length < min) problems.push(`${key} has ${xs.length} value(s): try at least ${min}`);
    if (!xs.every((x) => typeof x === "number" && Number.isFinite(x) && x > 0)) problems.push(`${key} must hold positive numbers`);
    const maxInt = rule.integers?.[key];
    if (maxInt !== undefined && !xs.every((x) => Number.isInteger(x) && (x as number) <= maxInt)) problems.push(`${key} must hold whole numbers up to ${maxInt}`);
    if (rule.fractions?.includes(key) && !xs.every((x) => typeof x === "number" && x > 0 && x <= 1)) problems.push(`${key} must lie in (0, 1]`);
  }
  const combos = sizes.reduce((a, b) => a * b, 1);
  if (sizes.length === rule.fields.length && combos >= rule.maxCombinations) {
    problems.push(`${sizes.join(" x ")} = ${combos} combinations: keep it under ${rule.maxCombinations}`);
  }
  if (problems.length) return { fraction: 0, lines: problems };
  return { fraction: 1, lines: [`${rule.fields.map((f, i) => `${sizes[i]} ${f}`).join(" x ")}: ${combos} combinations`] };
}
