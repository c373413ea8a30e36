// What a student receives works, end to end, for every released assignment: build the release zip, unzip it into a
// fresh folder (no node_modules) with a fresh HOME and no JUPYTER_PATH, run the README's set-up command verbatim
// (npm ci included; npm's cache is the machine's, which changes nothing that gets installed), execute the stub
// notebook with plain `jupyter nbconvert` and the README's kernel name (the first block's TODO must be the error),
// write the solution blocks, execute the notebook in place with the README's headless command, submit with the
// README's command, and grade the zip with the README's TA command from the course repository: full marks.
// Slow (a real npm ci and real notebook runs): see the timings it prints.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../lib/course/config";
import { readZip } from "../lib/course/package-zip";
import type { Notebook } from "../lib/course/notebook-integrity";
import { ROOT } from "./notebook-helpers";

const ASSIGNMENTS = ["A3", "A4"];
const SLOW = 900_000; // npm ci and full notebook runs on a shared 2-core machine
const tmpRoots: string[] = [];
afterAll(() => {
  for (const t of tmpRoots) fs.rmSync(t, { recursive: true, force: true });
});

/** The machine's npm cache (asked before HOME changes): a warm cache, same packages as a cold one. */
const npmCache = process.env.npm_config_cache || spawnSync("npm", ["config", "get", "cache"], { encoding: "utf8" }).stdout.trim();

/** A student's shell: fresh HOME, no Jupyter or npm variables from the developer's session. */
function studentEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|JUPYTER_|XDG_|NODE_OPTIONS$|VITEST|TEST$)/i.test(k)) continue;
    env[k] = v;
  }
  return { ...env, HOME: home, npm_config_cache: npmCache, npm_config_update_notifier: "false" };
}

interface Ran {
  status: number | null;
  out: string;
  seconds: number;
}

/** Runs a shell command without blocking the test worker (vitest's RPC must keep answering during minutes-long runs). */
function sh(command: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs = SLOW): Promise<Ran> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", command], { cwd, env, stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs });
    let out = "";
    child.stdout.on("data", (b) => (out += b));
    child.stderr.on("data", (b) => (out += b));
    child.on("error", (e) => (out += `\n${e.message}`));
    child.on("close", (status) => resolve({ status, out, seconds: (performance.now() - t0) / 1000 }));
  });
}

/** The indented command lines of a README section (comments after "  #" dropped). */
function readmeCommands(readme: string, heading: string): string[] {
  const start = readme.indexOf(`## ${heading}`);
  if (start < 0) throw new Error(`README has no "## ${heading}" section`);
  const end = readme.indexOf("\n## ", start + 3);
  return readme.slice(start, end < 0 ? undefined : end).split("\n")
    .filter((l) => /^ {4,}\S/.test(l))
    .map((l) => l.replace(/\s+#\s.*$/, "").trim());
}

const command = (readme: string, heading: string, re: RegExp) => {
  const hit = readmeCommands(readme, heading).find((c) => re.test(c));
  if (!hit) throw new Error(`README section "${heading}" has no command matching ${re}`);
  return hit;
};

/** The solution file with its SOLUTION markers and STUB lines removed: the blocks as a student who solved them writes them. */
const solved = (file: string) => fs.readFileSync(file, "utf8").split("\n").filter((l) => !/^\s*\/\/ (BEGIN SOLUTION|END SOLUTION|STUB: )/.test(l)).join("\n");

describe.each(ASSIGNMENTS)("%s as a student receives it", (id) => {
  const config = loadConfig(ROOT, id);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `dlvr-release-e2e-${id}-`));
  tmpRoots.push(tmp);
  const home = path.join(tmp, "home");
  const student = path.join(tmp, "student", id);
  const env = studentEnv(home);
  const times: Record<string, number> = {};
  let readme = "";
  afterAll(() => console.log(`${id} release e2e seconds: ${JSON.stringify(Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Number(v.toFixed(1))])))}`));

  it("builds the release zip and unzips into a fresh folder without node_modules", async () => {
    const r = await sh(`node_modules/.bin/tsx scripts/release.ts ${id} --no-self-test --out ${JSON.stringify(path.join(tmp, "out"))}`, ROOT, process.env);
    times.release = r.seconds;
    expect(r.status, r.out).toBe(0);
    for (const e of await readZip(fs.readFileSync(path.join(tmp, "out", `${id}.zip`)))) {
      const file = path.join(tmp, "student", e.path);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, e.data, { mode: e.mode });
    }
    fs.mkdirSync(home);
    expect(fs.existsSync(path.join(student, "node_modules"))).toBe(false);
    readme = fs.readFileSync(path.join(student, "README.md"), "utf8");
  }, SLOW);

  it("sets up with the README's command; plain `jupyter kernelspec list` shows the kernel", async () => {
    const setup = command(readme, "Set up", /setup/);
    expect(setup).toBe("bash scripts/setup.sh");
    const r = await sh(setup, student, env);
    times.setup = r.seconds;
    expect(r.status, r.out.slice(-3000)).toBe(0);
    expect(r.out).toContain("setup: jupyter: kernelspec list shows dlvr-tslab at");
    // Lean: the course repository's grader, browser-test and build tools (devDependencies) are not installed.
    expect(r.out).toContain("setup: npm packages: npm ci --omit=dev");
    const devOnly = Object.keys(JSON.parse(fs.readFileSync(path.join(student, "package.json"), "utf8")).devDependencies ?? {});
    expect(devOnly).toEqual(expect.arrayContaining(["bullmq", "puppeteer-core", "assemblyscript"]));
    for (const pkg of devOnly) expect(fs.existsSync(path.join(student, "node_modules", pkg)), pkg).toBe(false);
    const list = await sh("/usr/bin/jupyter kernelspec list", tmp, env);
    expect(list.out).toMatch(new RegExp(`dlvr-tslab\\s+${home}/\\.local/share/jupyter/kernels/dlvr-tslab`));
  }, SLOW);

  it("runs the stub notebook headless: the first block's TODO is the error, at its student_src line", async () => {
    const headless = command(readme, "Run a notebook without a browser", /nbconvert/);
    const kernel = /--ExecutePreprocessor\.kernel_name=(\S+)/.exec(headless)?.[1];
    expect(kernel).toBe("dlvr-tslab");
    const nb = config.notebooks[0];
    const mod = config.modules[0].student;
    const firstTodo = /throw new Error\("(TODO: [\w-]+)"\)/.exec(fs.readFileSync(path.join(student, mod), "utf8"))![1];
    const r = await sh(`/usr/bin/jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=${kernel} ${nb} --output-dir ${JSON.stringify(path.join(tmp, "stub-run"))}`, student, env);
    times.stubRun = r.seconds;
    expect(r.status).not.toBe(0);
    expect(r.out).toContain(`Error: ${firstTodo}`);
    expect(r.out).toMatch(new RegExp(`${mod.replace(/[.]/g, "\\.")}:\\d+:\\d+`)); // source-mapped to the .ts line
  }, SLOW);

  it("with the solution blocks written, the README's headless command runs every cell and saves the outputs", async () => {
    for (const m of config.modules) fs.writeFileSync(path.join(student, m.student), solved(path.join(ROOT, m.solution)));
    const nbFile = path.join(student, config.notebooks[0]);
    const nb = JSON.parse(fs.readFileSync(nbFile, "utf8")) as Notebook;
    const info = nb.cells.find((c) => (Array.isArray(c.source) ? c.source.join("") : c.source).includes("BEGIN YOUR CODE: student-info"))!;
    info.source = (info.source as string[]).map((l) => l.replace('name: "", id: ""', 'name: "Your Name", id: "20231234"'));
    fs.writeFileSync(nbFile, JSON.stringify(nb, null, 1) + "\n");
    const r = await sh(command(readme, "Run a notebook without a browser", new RegExp(`nbconvert .*${config.notebooks[0]}`)), student, env);
    times.solvedRun = r.seconds;
    expect(r.status, r.out.slice(-3000)).toBe(0);
    const ran = JSON.parse(fs.readFileSync(nbFile, "utf8")) as Notebook;
    const code = ran.cells.filter((c) => c.cell_type === "code");
    expect(code.filter((c) => typeof c.execution_count !== "number").map((c) => c.id)).toEqual([]);
    expect(code.flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === "error").map((o) => `${c.id}: ${o.ename}: ${o.evalue}`))).toEqual([]);
    for (const f of config.requiredFiles) expect(fs.existsSync(path.join(student, f)), f).toBe(true);
  }, SLOW);

  it("submits with the README's command, and the README's TA command grades it full marks", async () => {
    const submit = command(readme, "Submit", /npm run submit/);
    const s = await sh(submit, student, env);
    times.submit = s.seconds;
    expect(s.status, s.out).toBe(0);
    const zipName = /e\.g\. `([^`]+\.zip)`/.exec(readme)![1];
    const zip = path.join(student, zipName);
    expect(fs.existsSync(zip), s.out).toBe(true);

    const grade = command(readme, "For TAs", /npm run grade/);
    expect(grade).toBe(`npm run grade -- ${zipName} --out graded/`);
    const out = path.join(tmp, "graded");
    const g = await sh(grade.replace(zipName, JSON.stringify(zip)).replace("graded/", JSON.stringify(out)), ROOT, process.env);
    times.grade = g.seconds;
    expect(g.status, g.out).toBe(0);
    const results = JSON.parse(fs.readFileSync(path.join(out, path.basename(zipName, ".zip"), "results.json"), "utf8"));
    const total = Object.values(config.blocks).reduce((sum, b) => sum + b.points, 0);
    const lost = (results.tests as { name: string; score: number; max_score: number; output?: string }[]).filter((t) => t.score < t.max_score);
    expect(lost.map((t) => `${t.name}: ${t.score}/${t.max_score} ${t.output ?? ""}`)).toEqual([]);
    expect(results.score).toBe(total);
  }, SLOW);
});
