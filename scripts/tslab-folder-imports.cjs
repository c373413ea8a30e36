/**
 * Preloaded into the tslab kernel by scripts/tslab-kernel.sh (node --require).
 *
 * Why: tslab type-checks `import "./lib/tensor"` (folder with index.ts) fine, but its runtime require()
 * only looks for the emitted "./lib/tensor.js" and then falls back to Node, which finds no index.js on
 * disk: "Cannot find module './lib/tensor'". When a relative require of a folder fails and the folder
 * has an index.ts, retry as "<folder>/index" through tslab's own require, which knows the compiled file.
 */
"use strict";
const Module = require("node:module");
const fs = require("node:fs");
const path = require("node:path");

const originalRequire = Module.prototype.require;

Module.prototype.require = function requireWithFolderIndex(id) {
  try {
    return originalRequire.call(this, id);
  } catch (err) {
    const notFound = err && err.code === "MODULE_NOT_FOUND" && String(err.message).includes(`'${id}'`);
    if (!notFound || typeof id !== "string" || !id.startsWith(".") || !this.filename) throw err;
    const dir = path.resolve(path.dirname(this.filename), id);
    if (!fs.existsSync(path.join(dir, "index.ts"))) throw err;
    // Modules compiled by tslab carry tslab's require as an own property; cells use __tslab__.require.
    const tslabRequire = Object.prototype.hasOwnProperty.call(this, "require")
      ? this.require
      : globalThis.__tslab__ && globalThis.__tslab__.require;
    if (typeof tslabRequire !== "function") throw err;
    return tslabRequire(`${id.replace(/\/+$/, "")}/index`);
  }
};
