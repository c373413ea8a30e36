// The committed student_src/ and release manifests must equal what `npm run release` generates from solutions/
// and compile (the same checks as `npm run release -- --all --check`). Assignments without solutions are skipped.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { listConfigs, loadConfig } from "../lib/course/config";
import { checkRelease, generateRelease, missingSolutions, verifyStubsCompile } from "../lib/course/release-assignment";
import { ROOT } from "./course-fixture";

describe.each(listConfigs(ROOT))("%s", (id) => {
  const config = loadConfig(ROOT, id);
  const ready = missingSolutions(ROOT, config).length === 0;
  it.skipIf(!ready)("committed student files and manifest match a fresh release (else: npm run release -- " + id + ")", () => {
    const gen = generateRelease(ROOT, config);
    verifyStubsCompile(ROOT, gen); // throws with the type errors when the solution's stubs do not compile
    const stale = checkRelease(ROOT, gen).filter((f) => f.status !== "unchanged");
    expect(stale, `run npm run release -- ${id}`).toEqual([]);
    if (gen.missing.length) {
      console.warn(`${id}: manifest not checked until these exist: ${gen.missing.join("; ")}`);
      expect(fs.existsSync(path.join(ROOT, "release", `${id}.manifest.json`)), "a manifest without its inputs is stale").toBe(false);
    }
  });
});
