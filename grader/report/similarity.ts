/**
 * Pairwise similarity of the designated-block code of a batch, by token fingerprints (winnowing: Schleimer,
 * Wilkerson and Aiken 2003, the method behind MOSS).
 *
 * Each block body is tokenized with the TypeScript scanner; comments and whitespace are dropped, identifiers
 * become one token (property names after a `.` are kept: `X.matmul(W)` and `inputs.matmul(weights)` are the
 * same, `X.matmul(W)` and `X.mul(W)` are not), literals become NUM / STR. Every k consecutive tokens are hashed
 * (seeded with the block id, so only code in the same block matches); winnowing keeps the smallest hash of
 * every window of w k-grams, which guarantees that any shared run of at least w + k - 1 tokens is found. The
 * k-grams of the released stub of a block are removed, so two untouched stubs do not match.
 *
 * Shared fingerprints are counted through an inverted index (hash -> submissions), so the counting grows with
 * the pairs that share something; scoring is one pass over the counts, and only the top pairs get their matching
 * regions worked out. 1,000 synthetic A3 submissions take about 3-4 s (scripts/similarity-bench.ts). Everything
 * is deterministic: same inputs, same pairs, same order.
 * Runs in the grader's process on untrusted text: the scanner is a linear lexer (no recursion) and bodies are
 * capped in size.
 */
import ts from "typescript";

export interface SimilarityOptions {
  /** Tokens per k-gram (default 8). */
  k?: number;
  /** Winnowing window, in k-grams (default 4). */
  window?: number;
  /** Pairs whose similarity (Dice: 2 * shared / (|A| + |B|)) reaches this are listed (default 0.6). */
  threshold?: number;
  /** ...and that share at least this many fingerprints (default 12): tiny bodies do not make a pair. */
  minShared?: number;
  /** Released stub body per block id: its k-grams never count. */
  stubs?: Record<string, string>;
  /** Characters of block code read per submission (default 200 000). */
  maxChars?: number;
  /** Most pairs listed with their details (the most similar; default 500). */
  maxPairs?: number;
}

/** One submission's code: the bodies of its designated blocks (block id -> text). */
export interface SubmissionCode {
  key: string;
  blocks: Record<string, string>;
}

export interface Token {
  /** Normalized text: "ID", "NUM", "STR", a keyword, a punctuator, or ".name" for a property access. */
  norm: string;
  /** 0-based line in the body. */
  line: number;
}

/** A run of matched lines: block, first and last line (0-based, inclusive) on each side. */
export interface MatchRegion {
  block: string;
  a: [number, number];
  b: [number, number];
}

export interface SimilarPair {
  a: string;
  b: string;
  /** Dice coefficient of the two fingerprint sets, 0..1. */
  score: number;
  shared: number;
  /** Fraction of each side's fingerprints found in the other. */
  coverA: number;
  coverB: number;
  /** Per block: shared fingerprints. */
  blocks: Record<string, number>;
  regions: MatchRegion[];
}

export interface SimilarityResult {
  /** The most similar pairs at or above the threshold (at most maxPairs), most similar first. */
  pairs: SimilarPair[];
  /** Pairs at or above the threshold, listed or not. */
  pairsAboveThreshold: number;
  /** Pairs sharing at least one fingerprint (the candidates scored). */
  candidatePairs: number;
  /** Fingerprints per submission (after removing the stubs). */
  fingerprints: Record<string, number>;
  options: Required<Omit<SimilarityOptions, "stubs">>;
}

const DEFAULTS = { k: 8, window: 4, threshold: 0.6, minShared: 12, maxChars: 200_000, maxPairs: 500 };

// ----------------------------------------------------------------------------------------------- tokens

const K = ts.SyntaxKind;
/** After these tokens a `/` starts a regular expression rather than dividing. */
function slashStartsRegex(prev: ts.SyntaxKind | null): boolean {
  if (prev === null) return true;
  if (prev === K.Identifier || prev === K.NumericLiteral || prev === K.StringLiteral || prev === K.CloseParenToken
    || prev === K.CloseBracketToken || prev === K.CloseBraceToken || prev === K.ThisKeyword || prev === K.SuperKeyword
    || prev === K.TrueKeyword || prev === K.FalseKeyword || prev === K.NullKeyword || prev === K.PlusPlusToken
    || prev === K.MinusMinusToken || prev === K.RegularExpressionLiteral || prev === K.NoSubstitutionTemplateLiteral
    || prev === K.TemplateTail) return false;
  return true;
}

/** Tokens of TypeScript code, normalized so that renaming, literals, comments and layout do not matter. */
export function tokenize(text: string): Token[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  const out: Token[] = [];
  // Line of a character offset, by a running count (the scanner only moves forward).
  let lineAt = 0;
  let offsetSeen = 0;
  const line = (pos: number) => {
    for (; offsetSeen < pos && offsetSeen < text.length; offsetSeen++) if (text.charCodeAt(offsetSeen) === 10) lineAt++;
    return lineAt;
  };
  /** "template" for an open `${`, "brace" for an ordinary `{`. */
  const braces: ("template" | "brace")[] = [];
  let prev: ts.SyntaxKind | null = null;
  let prevWasDot = false;
  for (let kind = scanner.scan(); kind !== K.EndOfFileToken; kind = scanner.scan()) {
    if ((kind === K.SlashToken || kind === K.SlashEqualsToken) && slashStartsRegex(prev)) kind = scanner.reScanSlashToken();
    if (kind === K.CloseBraceToken && braces[braces.length - 1] === "template") {
      kind = scanner.reScanTemplateToken(false);
      if (kind === K.TemplateTail) braces.pop();
    } else if (kind === K.OpenBraceToken) braces.push("brace");
    else if (kind === K.CloseBraceToken) braces.pop();
    if (kind === K.TemplateHead) braces.push("template");
    let norm: string;
    if (kind === K.Identifier || kind === K.PrivateIdentifier) norm = prevWasDot ? `.${scanner.getTokenValue()}` : "ID";
    else if (kind === K.NumericLiteral || kind === K.BigIntLiteral) norm = "NUM";
    else if (kind === K.StringLiteral || kind === K.NoSubstitutionTemplateLiteral || kind === K.RegularExpressionLiteral) norm = "STR";
    else if (kind === K.TemplateHead || kind === K.TemplateMiddle || kind === K.TemplateTail) norm = "TPL";
    else if (kind === K.Unknown) norm = "?";
    else norm = ts.tokenToString(kind) ?? `#${kind}`;
    const isDot = kind === K.DotToken || kind === K.QuestionDotToken;
    // The dot itself is folded into the property token (".matmul"): `a.b` and `a?.b` compare equal.
    if (!isDot) out.push({ norm, line: line(scanner.getTokenStart()) });
    prevWasDot = isDot;
    prev = kind;
  }
  return out;
}

// ----------------------------------------------------------------------------------------------- hashing

/** 32-bit FNV-1a of a string, continuing from `h`. */
function fnv(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Hash of every k-gram (index = position of its first token). */
export function kgramHashes(tokens: Token[], k: number, seed: string): Uint32Array {
  const n = Math.max(0, tokens.length - k + 1);
  const ids = new Uint32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) ids[i] = fnv(tokens[i].norm);
  const base = fnv(seed);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let h = base;
    for (let j = 0; j < k; j++) {
      h ^= ids[i + j];
      h = Math.imul(h, 0x01000193) >>> 0;
      h ^= h >>> 15;
    }
    out[i] = h >>> 0;
  }
  return out;
}

/**
 * Robust winnowing: in every window of w consecutive k-gram hashes keep the minimum (the rightmost on ties),
 * recording each kept position once. A body shorter than one window keeps its minimum.
 */
export function winnow(hashes: Uint32Array, w: number): { hash: number; pos: number }[] {
  const out: { hash: number; pos: number }[] = [];
  if (hashes.length === 0) return out;
  const win = Math.min(w, hashes.length);
  let last = -1;
  for (let start = 0; start + win <= hashes.length; start++) {
    let m = start;
    for (let i = start + 1; i < start + win; i++) if (hashes[i] <= hashes[m]) m = i;
    if (m !== last) {
      out.push({ hash: hashes[m], pos: m });
      last = m;
    }
  }
  return out;
}

// ----------------------------------------------------------------------------------------------- documents

interface Print {
  block: string;
  /** Token index of the k-gram's start. */
  pos: number;
}

interface Doc {
  key: string;
  tokens: Record<string, Token[]>;
  /** Distinct fingerprint hash -> where it occurs. */
  prints: Map<number, Print[]>;
}

function buildDoc(sub: SubmissionCode, o: typeof DEFAULTS, stubPrints: Map<string, Set<number>>): Doc {
  const doc: Doc = { key: sub.key, tokens: {}, prints: new Map() };
  let budget = o.maxChars;
  for (const block of Object.keys(sub.blocks).sort()) {
    const body = sub.blocks[block].slice(0, Math.max(0, budget));
    budget -= body.length;
    const tokens = tokenize(body);
    doc.tokens[block] = tokens;
    const stub = stubPrints.get(block);
    for (const { hash, pos } of winnow(kgramHashes(tokens, o.k, block), o.window)) {
      if (stub?.has(hash)) continue;
      const list = doc.prints.get(hash);
      if (list) list.push({ block, pos });
      else doc.prints.set(hash, [{ block, pos }]);
    }
  }
  return doc;
}

/** Line ranges of the matched k-grams, merged where they touch, per block. */
function regionsOf(a: Doc, b: Doc, shared: number[], k: number): MatchRegion[] {
  type Hit = { block: string; la0: number; la1: number; lb0: number; lb1: number };
  const hits: Hit[] = [];
  for (const h of shared) {
    const pa = a.prints.get(h)!, pb = b.prints.get(h)!;
    for (const x of pa) {
      const y = pb.find((p) => p.block === x.block);
      if (!y) continue;
      const ta = a.tokens[x.block], tb = b.tokens[y.block];
      hits.push({
        block: x.block, la0: ta[x.pos].line, la1: ta[Math.min(ta.length - 1, x.pos + k - 1)].line,
        lb0: tb[y.pos].line, lb1: tb[Math.min(tb.length - 1, y.pos + k - 1)].line,
      });
    }
  }
  hits.sort((p, q) => (p.block < q.block ? -1 : p.block > q.block ? 1 : p.la0 - q.la0 || p.lb0 - q.lb0));
  const out: MatchRegion[] = [];
  for (const h of hits) {
    const last = out[out.length - 1];
    if (last && last.block === h.block && h.la0 <= last.a[1] + 1 && h.lb0 <= last.b[1] + 1 && h.lb1 >= last.b[0] - 1) {
      last.a[1] = Math.max(last.a[1], h.la1);
      last.b[0] = Math.min(last.b[0], h.lb0);
      last.b[1] = Math.max(last.b[1], h.lb1);
    } else out.push({ block: h.block, a: [h.la0, h.la1], b: [h.lb0, h.lb1] });
  }
  return out;
}

/** Pairs of submissions whose block code is similar, most similar first. */
export function findSimilarPairs(subs: SubmissionCode[], options: SimilarityOptions = {}): SimilarityResult {
  const o = {
    k: options.k ?? DEFAULTS.k, window: options.window ?? DEFAULTS.window, threshold: options.threshold ?? DEFAULTS.threshold,
    minShared: options.minShared ?? DEFAULTS.minShared, maxChars: options.maxChars ?? DEFAULTS.maxChars,
    maxPairs: options.maxPairs ?? DEFAULTS.maxPairs,
  };
  const stubPrints = new Map<string, Set<number>>();
  for (const [block, text] of Object.entries(options.stubs ?? {})) stubPrints.set(block, new Set(kgramHashes(tokenize(text), o.k, block)));
  const sorted = [...subs].sort((p, q) => (p.key < q.key ? -1 : p.key > q.key ? 1 : 0));
  const docs = sorted.map((s) => buildDoc(s, o, stubPrints));
  const n = docs.length;

  // Inverted index: fingerprint -> documents holding it (ascending).
  const index = new Map<number, number[]>();
  docs.forEach((d, i) => {
    for (const h of d.prints.keys()) {
      const list = index.get(h);
      if (list) list.push(i);
      else index.set(h, [i]);
    }
  });
  // Shared-fingerprint counts per pair: dense below a few thousand submissions, else sparse.
  const dense = n <= 4096 ? new Uint32Array(n * n) : null;
  const sparse = dense ? null : new Map<number, number>();
  for (const list of index.values()) {
    if (list.length < 2) continue;
    for (let x = 0; x < list.length; x++) {
      const row = list[x] * n;
      for (let y = x + 1; y < list.length; y++) {
        if (dense) dense[row + list[y]]++;
        else sparse!.set(row + list[y], (sparse!.get(row + list[y]) ?? 0) + 1);
      }
    }
  }
  // Score every candidate pair, keep those above the threshold, then work out details for the top ones only.
  const above: { i: number; j: number; shared: number; score: number }[] = [];
  let candidatePairs = 0;
  const consider = (i: number, j: number, shared: number) => {
    candidatePairs++;
    if (shared < o.minShared) return;
    const score = (2 * shared) / (docs[i].prints.size + docs[j].prints.size);
    if (score >= o.threshold) above.push({ i, j, shared, score });
  };
  if (dense) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (dense[i * n + j]) consider(i, j, dense[i * n + j]);
  } else {
    for (const [cell, shared] of [...sparse!.entries()].sort((p, q) => p[0] - q[0])) consider(Math.floor(cell / n), cell % n, shared);
  }
  // Ties keep index order (keys are sorted), so the listing is deterministic.
  above.sort((p, q) => q.score - p.score || p.i - q.i || p.j - q.j);
  const pairs = above.slice(0, o.maxPairs).map(({ i, j, shared, score }): SimilarPair => {
    const a = docs[i], b = docs[j];
    const hashes = [...a.prints.keys()].filter((h) => b.prints.has(h)).sort((p, q) => p - q);
    const blocks: Record<string, number> = {};
    for (const h of hashes) for (const bl of new Set(a.prints.get(h)!.map((p) => p.block))) blocks[bl] = (blocks[bl] ?? 0) + 1;
    return {
      a: a.key, b: b.key, score: Math.round(score * 1000) / 1000, shared,
      coverA: Math.round((shared / a.prints.size) * 1000) / 1000, coverB: Math.round((shared / b.prints.size) * 1000) / 1000,
      blocks, regions: regionsOf(a, b, hashes, o.k),
    };
  });
  return { pairs, pairsAboveThreshold: above.length, candidatePairs, fingerprints: Object.fromEntries(docs.map((d) => [d.key, d.prints.size])), options: o };
}

/** Groups of submissions linked by listed pairs (connected components), largest first. */
export function similarityGroups(pairs: SimilarPair[]): string[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  for (const p of pairs) {
    for (const x of [p.a, p.b]) if (!parent.has(x)) parent.set(x, x);
    const ra = find(p.a), rb = find(p.b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
  const groups = new Map<string, string[]>();
  for (const x of [...parent.keys()].sort()) {
    const r = find(x);
    groups.set(r, [...(groups.get(r) ?? []), x]);
  }
  return [...groups.values()].sort((p, q) => q.length - p.length || (p[0] < q[0] ? -1 : 1));
}
