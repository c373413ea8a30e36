/**
 * The release-and-grade half of `npm run demo`: runs the same CLIs an instructor and a TA would run, as child
 * processes, and returns a one-line summary.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const TSX = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

/** Run `tsx scripts/<script> ...args`, echoing its output indented; throws when it fails. */
export function runScript(script: string, args: string[]): string {
  const r = spawnSync(process.execPath, [TSX, path.join(ROOT, "scripts", script), ...args], {
    cwd: ROOT, encoding: "utf8", env: { ...process.env, TENSOR_QUIET: "1" }, maxBuffer: 64 << 20,
  });
  const text = `${r.stdout ?? ""}${r.stderr ?? ""}`.trimEnd();
  if (text) console.log(text.split("\n").map((l) => `  ${l}`).join("\n"));
  if (r.status !== 0) throw new Error(`scripts/${script} ${args.join(" ")} exited with ${r.status ?? r.signal}`);
  return text;
}

export async function runGradingDemo(): Promise<string> {
  console.log("release   npm run release -- --all --no-self-test");
  const released = runScript("release.ts", ["--all", "--no-self-test"]);
  const summary = released.split("\n").find((l) => l.startsWith("summary:")) ?? "";
  return `release ${summary.replace("summary: ", "")}`;
}
