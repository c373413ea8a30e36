// The released A3 notebook in a real browser: Debian's classic Notebook server on 127.0.0.1 (token, fresh HOME with
// the kit's kernel spec in its Jupyter data dir), Debian's chromium driven by puppeteer-core. It opens the notebook,
// runs every cell through the UI (Cell > Run All), waits for the kernel to be idle, and checks what a student sees:
// images and charts, no error output. The solutions are copied in, so the notebook runs clean. Screenshot:
// $DLVR_SCREENSHOT_DIR (default: a temp dir, printed).
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadConfig } from "../lib/course/config";
import { generateRelease } from "../lib/course/release-assignment";
import { freePort } from "../grader/queue/local-redis";
import { installTslabKernel, userJupyterDataDir } from "../scripts/install-kernel";
import { makeProjectCopy, ROOT } from "./notebook-helpers";

// Page functions run in the browser; the project compiles without the DOM library.
declare const window: any;
declare const document: any;

const NOTEBOOK = "notebooks/linear_classifier.ipynb";
const TOKEN = "dlvr-browser-test";
const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const RUN_ALL_TIMEOUT_MS = 900_000; // the whole A3 notebook (training, two searches) on a shared 2-core machine

let copy: ReturnType<typeof makeProjectCopy>;
let home: string;
let server: ChildProcess | null = null;
let serverLog = "";
let browser: Browser | null = null;
let page: Page;
let shotDir: string;

/**
 * The port the Notebook server listens on, from its log: it moves to the next port when the chosen one was taken
 * meanwhile (port_retries), so the chosen one is only a first guess.
 */
async function serverPort(ms: number): Promise<number> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const m = /https?:\/\/127\.0\.0\.1:(\d+)\//.exec(serverLog);
    if (m) return Number(m[1]);
    if (server?.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the Notebook server did not say where it listens:\n${serverLog.slice(-3000)}`);
}

async function waitForServer(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the Notebook server did not answer at ${url}:\n${serverLog.slice(-3000)}`);
}

beforeAll(async () => {
  // The released notebook and the solution blocks in a throwaway project.
  copy = makeProjectCopy();
  const config = loadConfig(ROOT, "A3");
  const gen = generateRelease(ROOT, config);
  for (const f of gen.notebooks) fs.writeFileSync(path.join(copy.root, f.path), f.text);
  for (const m of config.modules) {
    const solved = fs.readFileSync(path.join(ROOT, m.solution), "utf8").split("\n").filter((l) => !/^\s*\/\/ (BEGIN SOLUTION|END SOLUTION|STUB: )/.test(l));
    fs.writeFileSync(path.join(copy.root, m.student), solved.join("\n"));
  }
  home = fs.mkdtempSync(path.join(os.tmpdir(), "dlvr-browser-home-"));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(JUPYTER_|XDG_)/.test(k)) env[k] = v;
  env.HOME = home;
  installTslabKernel(copy.root, userJupyterDataDir(env));
  shotDir = process.env.DLVR_SCREENSHOT_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), "dlvr-browser-shot-"));

  const args = ["notebook", "--no-browser", "--ip=127.0.0.1", `--port=${await freePort()}`, `--NotebookApp.token=${TOKEN}`, `--notebook-dir=${copy.root}`];
  if (process.getuid?.() === 0) args.push("--allow-root");
  server = spawn("/usr/bin/jupyter", args, { env, stdio: ["ignore", "pipe", "pipe"] });
  server.stdout!.on("data", (b) => (serverLog += b));
  server.stderr!.on("data", (b) => (serverLog += b));
  const port = await serverPort(60_000);
  await waitForServer(`http://127.0.0.1:${port}/api/status?token=${TOKEN}`, 60_000);

  browser = await puppeteer.launch({ executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_FLAGS });
  page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  await page.goto(`http://127.0.0.1:${port}/notebooks/${NOTEBOOK}?token=${TOKEN}`, { waitUntil: "networkidle2" });
  // Kernel started and connected (the launcher found the project from the notebook's folder).
  await page.waitForFunction(() => window.Jupyter?.notebook?.kernel?.is_connected?.() === true, { timeout: 120_000 });
  await page.waitForSelector("#kernel_indicator_icon.kernel_idle_icon", { timeout: 120_000 });
  await page.click("#celllink"); // Cell menu
  await page.click("#run_all_cells > a"); // Run All
  // Busy once, then idle again with every code cell numbered.
  await page.waitForFunction(() => {
    const nb = window.Jupyter.notebook;
    const cells = nb.get_cells().filter((c: any) => c.cell_type === "code");
    const idle = document.querySelector("#kernel_indicator_icon")?.classList.contains("kernel_idle_icon");
    return idle && cells.every((c: any) => typeof c.input_prompt_number === "number");
  }, { timeout: RUN_ALL_TIMEOUT_MS, polling: 1000 });
}, RUN_ALL_TIMEOUT_MS + 300_000);

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((r) => server!.once("exit", r));
  }
  copy?.cleanup();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

it("runs every cell through the UI: images and charts, no error output", async () => {
  const seen = await page.evaluate(() => ({
    codeCells: document.querySelectorAll(".code_cell").length,
    images: document.querySelectorAll(".output_area img").length,
    charts: document.querySelectorAll(".output_area svg").length,
    errors: [...document.querySelectorAll(".output_error, .output_stderr")].map((e: any) => (e.textContent ?? "").slice(0, 300)),
    text: [...document.querySelectorAll(".output_text")].map((e: any) => e.textContent ?? "").join("\n"),
  }));
  const shot = path.join(shotDir, "release-browser-A3.png");
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`screenshot: ${shot}`);
  expect(seen.errors).toEqual([]);
  expect(seen.codeCells).toBeGreaterThan(10);
  expect(seen.images).toBeGreaterThanOrEqual(3); // data samples + the two weight-template pictures
  expect(seen.charts).toBeGreaterThanOrEqual(3); // SVM loss, the two sweeps
  expect(seen.text).toMatch(/SVM naive loss: \d/);
  expect(seen.text).toMatch(/best softmax validation accuracy: \d/);
});
