/**
 * report.html: the TA's view of the whole out folder in one self-contained file (inline CSS and SVG charts
 * from lib/viz, no scripts, no network): score histogram, pass rates per block and per test, failure messages
 * grouped with the recognised mistakes, grading time, flagged submissions (identity, duplicates, late, similar
 * code, sandbox verdicts, not graded), similar pairs side by side, the last regrade, and every student linked
 * to their feedback.md. Pure: data in, HTML out.
 */
import type { AssignmentConfig } from "../../lib/course/config";
import { barChart, escapeXml } from "../../lib/viz/svg";
import { finalScore } from "./canvas";
import type { GradescopeTest } from "./gradescope-results";
import { round2, type GradedEntry } from "./out-folder";
import type { RegradeSummary } from "./regrade";
import { similarityGroups, type SimilarityResult } from "./similarity";

/** Stage timings of a submission's last grading (run-stats.json). */
export interface RunStats {
  durationMs: number;
  timings: Record<string, number>;
  /** Per probe test (by its internal name): milliseconds and resident memory after it. */
  tests?: Record<string, { ms: number; rssBytes: number }>;
}

export interface ClassReportInput {
  entries: GradedEntry[];
  configs: AssignmentConfig[];
  /** Per assignment id. */
  similarity: Record<string, SimilarityResult>;
  /** Block bodies per submission key (for the side-by-side view). */
  code: Record<string, Record<string, string>>;
  regrade: RegradeSummary | null;
  runStats: Record<string, RunStats>;
}

export type Verdict = "passed" | "wrong" | "threw" | "timeout" | "memory" | "crash" | "compile" | "todo" | "not-run";

/** How a test ended: the verdict the results carry (when the grader writes one), else read from its output. */
export function verdictOf(t: GradescopeTest): Verdict {
  const given = (t as { extra_data?: { verdict?: unknown } }).extra_data?.verdict;
  const known: Record<string, Verdict> = { passed: "passed", wrong: "wrong", timeout: "timeout", oom: "memory", memory: "memory", crash: "crash", compile: "compile" };
  if (typeof given === "string" && known[given]) return known[given];
  if (t.status === "passed") return "passed";
  const o = t.output;
  if (/did not finish in time|timed out/i.test(o)) return "timeout";
  if (/ran out of memory/i.test(o)) return "memory";
  if (/does not compile|did not compile/i.test(o)) return "compile";
  if (/stopped the test process|crashed/i.test(o)) return "crash";
  if (/^your code threw/im.test(o)) return "threw";
  if (/not implemented yet|still throws its TODO/i.test(o)) return "todo";
  if (/^not (run|checked)/im.test(o)) return "not-run";
  return "wrong";
}

const SANDBOX_VERDICTS: Verdict[] = ["timeout", "memory", "crash"];
const esc = escapeXml;
const pct = (x: number) => `${Math.round(x * 100)}%`;
const LIKELY = "Likely mistake: ";
/** {name}-{id}-A3-O1.zip, as scripts/submit.ts names them. */
const ZIP_NAME_RE = /^(.+)-([A-Za-z0-9]{1,32})-(A\d+)-O([12])(?:\.zip)?$/;

/** A failure message with its specifics (numbers, positions, quoted text) blanked, so equal mistakes group. */
export function messageShape(line: string): string {
  return line.replace(/"[^"]*"|`[^`]*`/g, "\"…\"").replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/gi, "#").replace(/\s+/g, " ").trim().slice(0, 200);
}

interface Flag {
  key: string;
  kind: "identity" | "duplicate" | "late" | "similar" | "sandbox" | "status";
  text: string;
}

function flagsOf(input: ClassReportInput): Flag[] {
  const flags: Flag[] = [];
  const byId = new Map<string, string[]>();
  for (const { key, results: r } of input.entries) {
    const e = r.extra_data;
    byId.set(`${e.assignment}|${e.student_id}`, [...(byId.get(`${e.assignment}|${e.student_id}`) ?? []), key]);
    const m = ZIP_NAME_RE.exec(e.zip_name ?? "");
    if (m && m[2] !== e.student_id) flags.push({ key, kind: "identity", text: `zip name says student ${m[2]}, graded as ${e.student_id}` });
    const extraFlags = (e as { flags?: unknown }).flags;
    if (Array.isArray(extraFlags)) for (const f of extraFlags) if (typeof f === "string") flags.push({ key, kind: "identity", text: f });
    if (e.late && e.late.daysLate > 0) flags.push({ key, kind: "late", text: `${e.late.daysLate} day${e.late.daysLate > 1 ? "s" : ""} late: -${e.late.points} points` });
    if (e.status !== "graded") flags.push({ key, kind: "status", text: `${e.status}${e.status_reason ? `: ${e.status_reason}` : ""}` });
    const bad = r.tests.filter((t) => SANDBOX_VERDICTS.includes(verdictOf(t)));
    for (const t of bad) flags.push({ key, kind: "sandbox", text: `${verdictOf(t)} in ${t.name}` });
  }
  for (const keys of byId.values()) {
    if (keys.length > 1) for (const key of keys) flags.push({ key, kind: "duplicate", text: `${keys.length} submissions for this student id (${keys.filter((k) => k !== key).join(", ")})` });
  }
  for (const sim of Object.values(input.similarity)) {
    // One flag per submission: its most similar partner, and how many others are above the threshold.
    const partners = new Map<string, { best: string; score: number; n: number }>();
    for (const p of sim.pairs) {
      for (const [x, y] of [[p.a, p.b], [p.b, p.a]]) {
        const cur = partners.get(x);
        if (!cur) partners.set(x, { best: y, score: p.score, n: 1 });
        else cur.n++;
      }
    }
    for (const [key, p] of [...partners.entries()].sort()) {
      flags.push({ key, kind: "similar", text: `similar to ${p.best} (${pct(p.score)})${p.n > 1 ? ` and ${p.n - 1} other${p.n > 2 ? "s" : ""}` : ""}` });
    }
  }
  return flags;
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${esc(title)}</h2>\n${body}\n</section>`;
}

function table(head: string[], rows: string[][], cls = ""): string {
  return `<table${cls ? ` class="${cls}"` : ""}><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>\n`
    + rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("\n") + "\n</tbody></table>";
}

function median(xs: number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function histogram(entries: GradedEntry[]): string {
  const cats = ["0-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80-89", "90-99", "100"];
  const counts = new Array(cats.length).fill(0);
  for (const { results: r } of entries) {
    const max = r.extra_data.max_score;
    if (!(max > 0)) continue;
    const p = (100 * finalScore(r.extra_data)) / max;
    counts[p >= 100 - 1e-9 ? 10 : Math.max(0, Math.min(9, Math.floor(p / 10)))]++;
  }
  return `<figure id="score-histogram">${barChart(cats, counts, { title: "Scores (% of the points possible)", xLabel: "score %", yLabel: "submissions", format: (v) => (v ? String(v) : ""), width: 720, height: 320 })}</figure>`;
}

function passRates(input: ClassReportInput): string {
  let out = "";
  for (const config of input.configs) {
    const mine = input.entries.filter((e) => e.results.extra_data.assignment === config.id);
    if (!mine.length) continue;
    const blocks = Object.entries(config.blocks).filter(([, b]) => b.points > 0);
    const blockRates = blocks.map(([id, b]) => mine.filter((e) => (e.results.extra_data.blocks?.[id] ?? 0) >= b.points - 1e-9).length / mine.length);
    out += `<figure class="pass-blocks" data-assignment="${esc(config.id)}">${barChart(blocks.map(([id]) => id), blockRates.map((x) => 100 * x), {
      title: `${config.id}: full marks per block (% of ${mine.length} submissions)`, yLabel: "% of submissions", yMax: 100, format: (v) => `${Math.round(v)}%`, width: Math.max(720, 60 * blocks.length), height: 360,
    })}</figure>`;
    const names: string[] = [];
    for (const e of mine) for (const t of e.results.tests) if (t.max_score > 0 && !names.includes(t.name)) names.push(t.name);
    const testRates = names.map((n) => {
      const ts = mine.map((e) => e.results.tests.find((t) => t.name === n)).filter((t): t is GradescopeTest => !!t);
      return ts.filter((t) => t.status === "passed").length / Math.max(1, ts.length);
    });
    out += `<figure class="pass-tests" data-assignment="${esc(config.id)}">${barChart(names.map((_, i) => String(i + 1)), testRates.map((x) => 100 * x), {
      title: `${config.id}: pass rate per test (numbers as in the table below)`, xLabel: "test", yLabel: "% passed", yMax: 100, format: (v) => `${Math.round(v)}%`, width: Math.max(720, 34 * names.length), height: 340,
    })}</figure>`;
    out += table(["#", "test", "passed", "wrong", "threw", "timeout", "memory", "crash", "compile", "not implemented", "not run"], names.map((n, i) => {
      const ts = mine.map((e) => e.results.tests.find((t) => t.name === n)).filter((t): t is GradescopeTest => !!t);
      const count = (v: Verdict) => String(ts.filter((t) => verdictOf(t) === v).length);
      return [String(i + 1), esc(n), count("passed"), count("wrong"), count("threw"), count("timeout"), count("memory"), count("crash"), count("compile"), count("todo"), count("not-run")];
    }), "verdicts");
  }
  return out;
}

function failures(entries: GradedEntry[]): string {
  type Group = { shape: string; example: string; count: number; tests: Set<string>; keys: Set<string>; diagnoses: Map<string, number> };
  const groups = new Map<string, Group>();
  const diagnoses = new Map<string, { count: number; tests: Set<string> }>();
  for (const { key, results: r } of entries) {
    for (const t of r.tests) {
      const lines = t.output.split("\n").filter((l) => l.trim());
      // A passed test can still name a mistake (one charged to another block).
      for (const l of lines.filter((x) => x.startsWith(LIKELY))) {
        const d = l.slice(LIKELY.length);
        const all = diagnoses.get(d) ?? { count: 0, tests: new Set<string>() };
        all.count++;
        all.tests.add(t.name);
        diagnoses.set(d, all);
      }
      if (t.status === "passed" || t.max_score <= 0) continue;
      const msg = lines.find((l) => !l.startsWith(LIKELY) && !l.startsWith("note: ")) ?? "(no message)";
      const shape = messageShape(msg);
      const g: Group = groups.get(shape) ?? { shape, example: msg, count: 0, tests: new Set(), keys: new Set(), diagnoses: new Map<string, number>() };
      g.count++;
      g.tests.add(t.name);
      g.keys.add(key);
      for (const l of lines.filter((x) => x.startsWith(LIKELY))) g.diagnoses.set(l.slice(LIKELY.length), (g.diagnoses.get(l.slice(LIKELY.length)) ?? 0) + 1);
      groups.set(shape, g);
    }
  }
  const sorted = [...groups.values()].sort((a, b) => b.count - a.count || b.keys.size - a.keys.size || (a.shape < b.shape ? -1 : 1));
  const diag = [...diagnoses.entries()].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1));
  const list = (xs: string[], n: number, f: (x: string) => string) => xs.slice(0, n).map(f).join(", ") + (xs.length > n ? ` and ${xs.length - n} more` : "");
  return `<h3>Recognised mistakes</h3>`
    + (diag.length ? table(["mistake", "times", "tests"], diag.map(([d, v]) => [`<b class="diagnosis">${esc(d)}</b>`, String(v.count), esc([...v.tests].join(", "))]), "diagnoses") : "<p>None recognised.</p>")
    + `<h3>Failure messages, most common first</h3><p>Failed tests grouped by their message with the numbers and names blanked out.</p>`
    + table(["times", "message (one example)", "recognised mistakes", "tests", "submissions"], sorted.slice(0, 200).map((g) => [
      String(g.count), `<code>${esc(g.example.slice(0, 300))}</code>`,
      esc([...g.diagnoses.entries()].map(([d, n]) => `${d} (${n})`).join("; ")),
      esc(list([...new Set([...g.tests].map((x) => x.replace(/^[^:]+: /, "").replace(/:.*/, "")))], 4, (x) => x)),
      list([...g.keys].sort(), 6, (k) => `<a href="${encodeURI(k)}/feedback.md">${esc(k)}</a>`),
    ]), "failures");
}

function timing(input: ClassReportInput): string {
  const stats = Object.entries(input.runStats);
  let out: string = "";
  if (stats.length) {
    const stages = [...new Set(stats.flatMap(([, s]) => Object.keys(s.timings)))];
    const med = stages.map((st) => median(stats.map(([, s]) => s.timings[st] ?? 0)) / 1000);
    out += `<figure id="stage-times">${barChart(stages, med, { title: `Median time per stage over ${stats.length} gradings (s)`, yLabel: "seconds", format: (v) => v.toFixed(2), width: 640, height: 300 })}</figure>`;
    const slow = [...stats].sort((a, b) => b[1].durationMs - a[1].durationMs).slice(0, 10);
    out += table(["slowest submissions", "seconds"], slow.map(([k, s]) => [esc(k), (s.durationMs / 1000).toFixed(1)]));
  } else out += "<p>No grading times recorded (every submission was graded before this grader version).</p>";
  // Per-test time and memory: measured by the runner (run-stats.json), or carried by the results themselves.
  const perTest = new Map<string, { ms: number[]; mem: number[] }>();
  const add = (name: string, ms: unknown, mem: unknown) => {
    if (typeof ms !== "number" && typeof mem !== "number") return;
    const s = perTest.get(name) ?? { ms: [], mem: [] };
    if (typeof ms === "number") s.ms.push(ms);
    if (typeof mem === "number") s.mem.push(mem);
    perTest.set(name, s);
  };
  for (const [, s] of stats) for (const [name, t] of Object.entries(s.tests ?? {})) add(name, t.ms, t.rssBytes);
  for (const { key, results: r } of input.entries) {
    if (input.runStats[key]?.tests && Object.keys(input.runStats[key].tests!).length) continue;
    for (const t of r.tests) {
      const x = (t as { extra_data?: { time_ms?: unknown; memory_bytes?: unknown } }).extra_data;
      add(t.name, x?.time_ms, x?.memory_bytes);
    }
  }
  if (perTest.size) {
    const rows = [...perTest.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    out += `<figure id="test-times">${barChart(rows.map(([n]) => n), rows.map(([, s]) => median(s.ms)), {
      title: "Median time per test (ms)", yLabel: "ms", format: (v) => v.toFixed(0), width: Math.max(640, 40 * rows.length), height: 340,
    })}</figure>`;
    out += table(["test", "runs", "median ms", "max ms", "median MiB (process, after the test)", "max MiB"], rows.map(([n, s]) => [
      esc(n), String(s.ms.length), s.ms.length ? median(s.ms).toFixed(0) : "", s.ms.length ? Math.max(...s.ms).toFixed(0) : "",
      s.mem.length ? (median(s.mem) / 2 ** 20).toFixed(0) : "", s.mem.length ? (Math.max(...s.mem) / 2 ** 20).toFixed(0) : "",
    ]), "per-test-times");
  } else out += "<p>Per-test time and memory: not recorded for these submissions.</p>";
  return out;
}

function sideBySide(block: string, a: string, b: string, ra: [number, number][], rb: [number, number][], ka: string, kb: string): string {
  const render = (text: string, ranges: [number, number][]) => text.split("\n").map((l, i) => {
    const hit = ranges.some(([s, e]) => i >= s && i <= e);
    return `<span class="ln${hit ? " hit" : ""}">${esc(l) || " "}</span>`;
  }).join("\n");
  return `<div class="pair-block"><div class="pair-block-title">${esc(block)}</div><div class="sbs"><pre data-side="a" title="${esc(ka)}">${render(a, ra)}</pre><pre data-side="b" title="${esc(kb)}">${render(b, rb)}</pre></div></div>`;
}

function similaritySection(input: ClassReportInput): string {
  let out = "";
  for (const [assignment, sim] of Object.entries(input.similarity)) {
    const o = sim.options;
    out += `<p>${esc(assignment)}: ${Object.keys(sim.fingerprints).length} submissions compared by token fingerprints of their designated blocks (identifiers and literals normalized, released stubs excluded; ${o.k}-token k-grams, winnowing window ${o.window}). `
      + `<span class="similar-count">${sim.pairsAboveThreshold}</span> pair${sim.pairsAboveThreshold === 1 ? "" : "s"} at or above ${pct(o.threshold)} similarity`
      + `${sim.pairsAboveThreshold > sim.pairs.length ? ` (the ${sim.pairs.length} most similar shown)` : ""}.</p>`;
    if (!sim.pairs.length) continue;
    const groups = similarityGroups(sim.pairs);
    out += `<h3>Groups</h3>` + table(["submissions", "pairs", "similarity", "members"], groups.map((g) => {
      const inside = sim.pairs.filter((p) => g.includes(p.a));
      const scores = inside.map((p) => p.score);
      return [String(g.length), String(inside.length), `${pct(Math.min(...scores))} - ${pct(Math.max(...scores))}`, g.map(esc).join(", ")];
    }), "similar-groups");
    out += `<h3>Pairs</h3>` + table(["similarity", "submission A", "submission B", "shared fingerprints", "most shared in"], sim.pairs.map((p) => [
      `<b>${pct(p.score)}</b>`, esc(p.a), esc(p.b), String(p.shared),
      esc(Object.entries(p.blocks).sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, 3).map(([b]) => b).join(", ")),
    ]), "similar-pairs");
    // Side by side: each submission's most similar partner once (a group of n copies shows n - 1 pairs, not n^2 / 2).
    const covered = new Set<string>();
    const shown = sim.pairs.filter((p) => {
      if (covered.has(p.a) && covered.has(p.b)) return false;
      covered.add(p.a).add(p.b);
      return true;
    }).slice(0, 200);
    if (shown.length) out += `<h3>Matching code side by side</h3><p>Each submission with its most similar partner; matching lines are marked.</p>`;
    for (const p of shown) {
      const blocks = [...new Set(p.regions.map((r) => r.block))];
      out += `<details class="pair" data-a="${esc(p.a)}" data-b="${esc(p.b)}"><summary>${esc(p.a)} and ${esc(p.b)}: ${pct(p.score)} similar (${pct(p.coverA)} of A's fingerprints, ${pct(p.coverB)} of B's)</summary>`
        + blocks.map((b) => sideBySide(b, input.code[p.a]?.[b] ?? "", input.code[p.b]?.[b] ?? "",
          p.regions.filter((r) => r.block === b).map((r) => r.a), p.regions.filter((r) => r.block === b).map((r) => r.b), p.a, p.b)).join("")
        + `</details>`;
    }
  }
  return out || "<p>No block code to compare.</p>";
}

function regradeSection(s: RegradeSummary): string {
  return `<p>Last regrade: ${s.compared} submissions graded again (setup ${s.oldFingerprints.map(esc).join(", ") || "?"} -> ${s.newFingerprints.map(esc).join(", ") || "?"}); `
    + `<span id="regrade-count">${s.changed.length}</span> changed.</p>`
    + table(["submission", "student", "old", "new", "tests changed"], s.changed.map((r) => [
      `<a href="${encodeURI(r.key)}/feedback.md">${esc(r.key)}</a>`, esc(r.student_id), r.old_score === null ? "-" : String(r.old_score),
      r.new_score === null ? "-" : String(r.new_score), esc(r.tests.map((t) => `${t.test}: ${t.old ?? "-"} -> ${t.new ?? "-"}`).join("; ")),
    ]), "regrade");
}

const CSS = `body{font-family:"DejaVu Sans",Arial,sans-serif;margin:24px;color:#222;max-width:1400px}
h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:32px}h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3}.summary td:first-child{font-weight:bold}figure{margin:8px 0 8px 48px;padding-bottom:30px}figure svg{overflow:visible}
.flag{display:inline-block;border-radius:3px;padding:0 5px;margin:1px;font-size:12px}
.flag-late{background:#fde2b3}.flag-similar{background:#f8c4c4}.flag-identity,.flag-duplicate{background:#d7c8f5}
.flag-sandbox{background:#c9e3f7}.flag-status{background:#ddd}
.sbs{display:grid;grid-template-columns:1fr 1fr;gap:8px}pre{background:#fafafa;border:1px solid #ddd;padding:6px;font-size:12px;overflow-x:auto;margin:0}
.ln.hit{background:#ffe08a;display:inline-block;width:100%}.pair-block-title{font-weight:bold;margin:8px 0 2px}
details.pair{margin:6px 0;border:1px solid #e5e5e5;padding:4px 8px}code{font-size:12px}`;

export function classReportHtml(input: ClassReportInput): string {
  const entries = input.entries;
  const flags = flagsOf(input);
  const graded = entries.filter((e) => e.results.extra_data.status === "graded");
  const scores = entries.map((e) => finalScore(e.results.extra_data));
  const maxes = [...new Set(entries.map((e) => e.results.extra_data.max_score))];
  const assignments = [...new Set(entries.map((e) => e.results.extra_data.assignment))].sort();
  const flaggedKeys = new Set(flags.map((f) => f.key));
  const summary = table(["", ""], [
    ["submissions", `<span id="count-submissions">${entries.length}</span>`],
    ["graded (tests ran)", `<span id="count-graded">${graded.length}</span>`],
    ["not graded", `<span id="count-not-graded">${entries.length - graded.length}</span>`],
    ["assignments", esc(assignments.join(", "))],
    ["mean / median score", scores.length ? `${round2(scores.reduce((a, b) => a + b, 0) / scores.length)} / ${round2(median(scores))} of ${maxes.join(", ")}` : "-"],
    ["full marks", `<span id="count-full">${entries.filter((e) => finalScore(e.results.extra_data) >= e.results.extra_data.max_score - 1e-9 && e.results.extra_data.max_score > 0).length}</span>`],
    ["flagged", `<span id="count-flagged">${flaggedKeys.size}</span>`],
    ["late", `<span id="count-late">${new Set(flags.filter((f) => f.kind === "late").map((f) => f.key)).size}</span>`],
  ], "summary");
  const flagHtml = (key: string) => flags.filter((f) => f.key === key).map((f) => `<span class="flag flag-${f.kind}" data-kind="${f.kind}">${esc(f.text)}</span>`).join(" ");
  const students = table(["submission (feedback)", "student id", "name", "assignment", "score", "status", "submitted", "flags"], entries.map(({ key, results: r }) => {
    const e = r.extra_data;
    return [
      `<a class="feedback-link" href="${encodeURI(key)}/feedback.md">${esc(key)}</a>`, esc(e.student_id), esc(e.student_name ?? ""), esc(e.assignment),
      `${finalScore(e)} / ${e.max_score}`, esc(e.status), esc(e.submitted_at ?? ""), flagHtml(key),
    ];
  }), "students");
  const flagged = [...flaggedKeys].sort();
  const flaggedTable = flagged.length ? table(["submission", "flags"], flagged.map((k) => [`<a href="${encodeURI(k)}/feedback.md">${esc(k)}</a>`, flagHtml(k)]), "flagged") : "<p>Nothing flagged.</p>";
  const body = [
    `<h1>Class report: ${esc(assignments.join(", ") || "no submissions")}</h1>`,
    section("summary", "Summary", summary),
    section("scores", "Scores", histogram(entries)),
    section("pass-rates", "Pass rates", passRates(input)),
    section("failures", "Failures", failures(entries)),
    section("flags", "Flagged submissions", flaggedTable),
    section("similarity", "Similar code", similaritySection(input)),
    ...(input.regrade ? [section("regrade", "Regrade", regradeSection(input.regrade))] : []),
    section("timing", "Grading time", timing(input)),
    section("students", "Students", students),
  ].join("\n");
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Class report ${esc(assignments.join(", "))}</title><style>${CSS}</style></head>\n<body>\n${body}\n</body></html>\n`;
}
