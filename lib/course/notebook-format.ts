/**
 * Percent-format TypeScript notebook sources (notebooks/src/NAME.ts) -> nbformat 4.5 JSON.
 *
 *   // %% [markdown] id=intro tags=a,b   starts a markdown cell; its lines are "// "-prefixed ("//" = empty line)
 *   // %% id=imports                      starts a code cell; its lines are kept verbatim
 *
 * id= and tags= are optional. Leading/trailing blank lines of a cell are dropped. The default id is
 * "<name>-<index>" (index zero-padded to 2 digits); inserting a cell shifts later default ids, so give
 * cells that release/submission must recognise (frozen or student cells) an explicit id=.
 */

export interface SourceCell {
  cell_type: "markdown" | "code";
  id: string;
  tags: string[];
  source: string;
}

export const NOTEBOOK_KERNELSPEC = { name: "dlvr-tslab", display_name: "TypeScript (course kit)", language: "typescript" };
const ID_RE = /^[a-zA-Z0-9-_]{1,64}$/;
const MARKER_RE = /^\/\/ %%(?:\s(.*))?$/;

export class NotebookFormatError extends Error {}

/** Turns any notebook name into a prefix that keeps default ids valid (<=64 chars incl. "-NN"). */
function idPrefix(name: string): string {
  return (name.replace(/[^a-zA-Z0-9-_]/g, "-") || "cell").slice(0, 48);
}

function trimBlankLines(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start].trim() === "") start++;
  while (end > start && lines[end - 1].trim() === "") end--;
  return lines.slice(start, end);
}

interface Header {
  cell_type: SourceCell["cell_type"];
  id?: string;
  tags: string[];
  line: number;
  body: string[];
}

function parseMarker(rest: string, line: number, where: string): Header {
  const words = rest.trim() === "" ? [] : rest.trim().split(/\s+/);
  const header: Header = { cell_type: "code", tags: [], line, body: [] };
  if (words[0] === "[markdown]") {
    header.cell_type = "markdown";
    words.shift();
  }
  for (const word of words) {
    const m = /^(id|tags)=(.*)$/.exec(word);
    if (!m) throw new NotebookFormatError(`${where}:${line}: unknown cell marker option "${word}" (expected id=... or tags=...)`);
    if (m[1] === "id") header.id = m[2];
    else {
      header.tags = m[2].split(",");
      if (header.tags.some((t) => t === "")) throw new NotebookFormatError(`${where}:${line}: empty tag in "${word}"`);
    }
  }
  return header;
}

function stripComment(line: string, at: string): string {
  if (line === "//" || line.trim() === "") return "";
  if (line.startsWith("// ")) return line.slice(3);
  throw new NotebookFormatError(`${at}: markdown lines must start with "// " (got "${line}")`);
}

/** Parses a percent-format source. `name` is the notebook name (default ids); `where` labels errors. */
export function parseNotebookSource(text: string, name: string, where = `${name}.ts`): SourceCell[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const headers: Header[] = [];
  lines.forEach((line, i) => {
    const m = MARKER_RE.exec(line);
    if (m) headers.push(parseMarker(m[1] ?? "", i + 1, where));
    else if (headers.length > 0) headers[headers.length - 1].body.push(line);
    else if (line.trim() !== "") throw new NotebookFormatError(`${where}:${i + 1}: text before the first "// %%" cell marker`);
  });

  const seen = new Map<string, number>();
  return headers.map((h, index) => {
    const id = h.id ?? `${idPrefix(name)}-${String(index).padStart(2, "0")}`;
    if (!ID_RE.test(id)) {
      throw new NotebookFormatError(`${where}:${h.line}: invalid cell id "${id}" (1-64 chars of a-z A-Z 0-9 - _)`);
    }
    if (seen.has(id)) {
      throw new NotebookFormatError(`${where}:${h.line}: duplicate cell id "${id}" (first used on line ${seen.get(id)})`);
    }
    seen.set(id, h.line);
    // Markdown: strip the comment prefix first, so "//" lines at the edges count as blank too.
    const raw = h.cell_type === "code" ? h.body : h.body.map((l, j) => stripComment(l, `${where}:${h.line + 1 + j}`));
    const body = trimBlankLines(raw);
    return { cell_type: h.cell_type, id, tags: h.tags, source: body.join("\n") };
  });
}

/** nbformat stores source as lines that keep their "\n" (the last one without). */
function sourceLines(source: string): string[] {
  return source === "" ? [] : source.split(/(?<=\n)/);
}

export function toNotebook(cells: SourceCell[]): object {
  return {
    cells: cells.map((c) => {
      const metadata = c.tags.length ? { tags: c.tags } : {};
      return c.cell_type === "code"
        ? { cell_type: "code", execution_count: null, id: c.id, metadata, outputs: [], source: sourceLines(c.source) }
        : { cell_type: "markdown", id: c.id, metadata, source: sourceLines(c.source) };
    }),
    metadata: {
      kernelspec: NOTEBOOK_KERNELSPEC,
      language_info: { file_extension: ".ts", mimetype: "text/typescript", name: "typescript" },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** Serialises like Jupyter (sorted keys, 1-space indent, trailing newline) so saved files diff cleanly. */
export function serializeNotebook(nb: object): string {
  return JSON.stringify(sortKeys(nb), null, 1) + "\n";
}

export function buildNotebookJson(text: string, name: string, where?: string): string {
  return serializeNotebook(toNotebook(parseNotebookSource(text, name, where)));
}
