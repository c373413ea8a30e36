/**
 * Preloaded into the tslab kernel by scripts/tslab-kernel.sh (node --require). Makes tslab 1.0.22 behave like a
 * standard Jupyter kernel, so every front end (Notebook, nbconvert, VS Code) gets the same, actionable results:
 *
 *  1. execute_input is published with the execution count. nbconvert records a cell's execution_count only from
 *     it (tslab never sent it, so a headless run looked as if no cell ever ran).
 *  2. A failed cell's execute_reply carries ename, evalue and traceback, and the error is published as an
 *     "error" output. tslab printed the error to stderr only, so nbconvert reported "<Error>: " with no message.
 *  3. A request sent with stop_on_error=false (nbconvert --allow-errors) no longer makes the kernel drop every
 *     request of the next 200 ms (the later cells silently had no output). With stop_on_error=true (the
 *     Notebook's Run All) cells queued behind a failure are still skipped, as in every Jupyter kernel.
 *  4. Stack traces name .ts lines: a module tslab compiled from a .ts file is recompiled by esbuild with an inline
 *     source map, and Node's source-map support is switched on.
 *  5. Folder imports ("./lib/tensor" -> lib/tensor/index.ts): see tslab-folder-imports.cjs.
 *  6. A port the kernel cannot bind (another process took it after Jupyter chose it) ends the kernel with a
 *     message. tslab only logged it and lived on, deaf on that channel, so the front end waited a minute on
 *     "Kernel starting"; a kernel that exits is started again on new ports (Jupyter's restarter, run_notebook.py).
 *
 * Each patch checks the shape of what it replaces and leaves tslab alone (with a note on stderr) if it differs.
 */
"use strict";
require("./tslab-folder-imports.cjs");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const util = require("node:util");

const warn = (what) => process.stderr.write(`tslab-kernel-patches: ${what}; running tslab unpatched there\n`);

/** tslab's dist/ folder, from the binary the launcher runs (node <root>/node_modules/.bin/tslab kernel ...). */
function tslabDist() {
  try {
    return path.join(path.dirname(path.dirname(fs.realpathSync(process.argv[1]))), "dist");
  } catch {
    return null;
  }
}

const DIAGNOSTIC_FORMAT = "%s%d:%d - %s"; // tslab's printDiagnostics format

/** ename/evalue/traceback of a failed cell from what tslab's executor printed with console.error. */
function describeFailure(calls) {
  const diagnostics = calls.filter((args) => args[0] === DIAGNOSTIC_FORMAT).map((args) => util.format(...args));
  if (diagnostics.length) return { ename: "CompileError", evalue: diagnostics.join("\n"), traceback: diagnostics };
  const thrown = calls.length ? calls[calls.length - 1][0] : undefined;
  if (thrown instanceof Error || (thrown && typeof thrown === "object" && "message" in thrown)) {
    const ename = String(thrown.name || "Error");
    const evalue = String(thrown.message ?? "");
    const stack = typeof thrown.stack === "string" ? thrown.stack.split("\n") : [`${ename}: ${evalue}`];
    // Frames inside tslab, this file and Node say nothing a student can act on.
    const frames = stack.filter((l) => !/^\s+at .*(node_modules[\\/]tslab[\\/]|tslab-kernel-patches\.cjs|node:vm:|node:internal)/.test(l));
    return { ename, evalue, traceback: frames };
  }
  const text = calls.map((args) => util.format(...args)).join("\n") || "the cell failed";
  return { ename: "Error", evalue: text, traceback: text.split("\n") };
}

function patchExecutor(dist) {
  const mod = require(path.join(dist, "executor.js"));
  if (typeof mod.createExecutor !== "function") return warn("executor.createExecutor not found");
  const createExecutor = mod.createExecutor;
  mod.createExecutor = function createExecutorWithErrors(rootDir, convs, con) {
    const calls = [];
    let capturing = false;
    const executor = createExecutor(rootDir, convs, {
      log: con.log,
      error: (...args) => (capturing ? calls.push(args) : con.error(...args)),
    });
    const execute = executor.execute;
    executor.lastFailure = null;
    executor.execute = async (src) => {
      calls.length = 0;
      capturing = true;
      let ok = false;
      try {
        ok = await execute(src);
      } finally {
        capturing = false;
      }
      const printed = calls.splice(0);
      executor.lastFailure = ok ? null : describeFailure(printed);
      if (ok) for (const args of printed) con.error(...args); // e.g. diagnostics of a "//@module" cell
      return ok;
    };
    return executor;
  };
}

function patchJupyter(dist) {
  const jupyter = require(path.join(dist, "jupyter.js"));
  const { TaskCanceledError } = require(path.join(dist, "util.js"));
  const Handler = jupyter.JupyterHandlerImpl;
  const Server = jupyter.ZmqServer;
  if (!Handler?.prototype?.handleExecute || !Server?.prototype?.handleExecute || !TaskCanceledError) {
    return warn("JupyterHandlerImpl/ZmqServer.handleExecute not found");
  }

  class CellFailed extends Error {
    constructor(count, failure) {
      super(failure.evalue);
      this.count = count;
      this.failure = failure;
    }
  }

  Handler.prototype.handleExecute = async function handleExecute(req, writeStream, writeDisplayData, hooks) {
    let status = "ok";
    let count;
    let failure = null;
    try {
      count = await this.execQueue.add(async () => {
        process.stdout.write = this.createWriteToIopub("stdout", writeStream);
        process.stderr.write = this.createWriteToIopub("stderr", writeStream);
        jupyter.lastWriteDisplayData = writeDisplayData;
        const n = ++this.execCount;
        if (hooks && hooks.onStart) hooks.onStart(n);
        const ok = await this.executor.execute(req.code);
        if (ok) return n;
        const f = this.executor.lastFailure || { ename: "Error", evalue: "the cell failed", traceback: [] };
        // Rejecting the queue skips the requests queued behind this one: wanted only with stop_on_error.
        if (req.stop_on_error === false) return { n, failure: f };
        throw new CellFailed(n, f);
      });
      if (typeof count === "object") {
        status = "error";
        failure = count.failure;
        count = count.n;
      }
    } catch (e) {
      if (e instanceof TaskCanceledError) status = "abort";
      else {
        status = "error";
        if (e instanceof CellFailed) {
          count = e.count;
          failure = e.failure;
        } else {
          console.error("unexpected error:", e);
          failure = { ename: "InternalError", evalue: String(e), traceback: [] };
        }
        this.execQueue.reset(200); // as tslab: skip what is queued now, accept new requests after 200 ms
      }
    }
    return { status, execution_count: count, ...(failure ? failure : {}), ...(status === "ok" ? { payload: [], user_expressions: {} } : {}) };
  };

  const bindSocket = Server.prototype.bindSocket;
  if (typeof bindSocket !== "function") warn("ZmqServer.bindSocket not found");
  else {
    Server.prototype.bindSocket = async function bindSocketOrExit(sock, port) {
      try {
        return await bindSocket.call(this, sock, port);
      } catch (err) {
        process.stderr.write(`tslab-kernel: cannot listen on port ${port} (${err && err.message}); exiting so Jupyter starts the kernel again on new ports\n`);
        process.exit(1);
      }
    };
  }

  Server.prototype.handleExecute = async function handleExecute(sock, msg) {
    const publish = (type, content) => {
      const m = msg.createReply();
      m.header.msg_type = type;
      m.content = content;
      m.signAndSend(this.connInfo.key, this.iopub);
    };
    const writeStream = (name, text) => publish("stream", { name, text });
    const writeDisplayData = (data, update) => publish(update ? "update_display_data" : "display_data", data);
    const onStart = (n) => publish("execute_input", { code: msg.content.code, execution_count: n });
    const content = await this.handler.handleExecute(msg.content, writeStream, writeDisplayData, { onStart });
    if (content.status === "error") publish("error", { ename: content.ename, evalue: content.evalue, traceback: content.traceback });
    const reply = msg.createReply();
    reply.header.msg_type = "execute_reply";
    reply.content = content;
    reply.signAndSend(this.connInfo.key, sock);
  };
}

/**
 * The content hash of every project .ts file the kernel loads, with the time: <root>/.dlvr/kernel-loads.json. check
 * and submit compare it with the file (lib/course/submission.ts), so touching and reverting a file does not look
 * like an edit the notebook never ran.
 */
function recordLoad(tsFile) {
  try {
    const root = process.cwd();
    const rel = path.relative(root, tsFile).split(path.sep).join("/");
    if (rel.startsWith("..")) return;
    const file = path.join(root, ".dlvr", "kernel-loads.json");
    let loads = {};
    try {
      loads = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
      // first load
    }
    const sha256 = require("node:crypto").createHash("sha256").update(fs.readFileSync(tsFile)).digest("hex");
    loads[rel] = { sha256, atMs: Date.now() };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(loads, null, 1) + "\n");
  } catch {
    // a read-only folder: check falls back to file times
  }
}

/** Modules tslab compiled from <x>.ts (virtual <x>.js, not on disk) are recompiled with an inline source map. */
function patchSourceMaps() {
  if (typeof process.setSourceMapsEnabled !== "function") return warn("no process.setSourceMapsEnabled");
  let esbuild;
  try {
    esbuild = require(require.resolve("esbuild", { paths: [process.cwd()] }));
  } catch {
    return warn("esbuild not found (stack traces keep .js lines)");
  }
  process.setSourceMapsEnabled(true);
  const compile = Module.prototype._compile;
  const sep = path.sep;
  Module.prototype._compile = function compileWithSourceMap(content, filename) {
    if (typeof filename === "string" && filename.endsWith(".js") && !filename.includes(`${sep}node_modules${sep}`) && !fs.existsSync(filename)) {
      const tsFile = `${filename.slice(0, -3)}.ts`;
      if (fs.existsSync(tsFile)) {
        recordLoad(tsFile);
        try {
          content = esbuild.transformSync(fs.readFileSync(tsFile, "utf8"), {
            loader: "ts", format: "cjs", target: "es2022", sourcemap: "inline", sourcefile: path.basename(tsFile),
          }).code;
        } catch {
          // keep tslab's output: it compiled, esbuild's view is only for line numbers
        }
      }
    }
    return compile.call(this, content, filename);
  };
}

const dist = tslabDist();
if (dist && fs.existsSync(path.join(dist, "jupyter.js"))) {
  try {
    patchExecutor(dist);
    patchJupyter(dist);
  } catch (err) {
    warn(`patching failed (${err && err.message})`);
  }
  patchSourceMaps();
}
