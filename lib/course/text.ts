/**
 * Text helpers shared by release, submission checks and the grader: line splitting, the normalisation used
 * for frozen-code hashes (line endings and trailing whitespace do not count), sha256.
 */
import { createHash } from "node:crypto";

/** Splits text into lines without their terminators; "\r\n" and "\r" count as "\n"; a leading BOM is dropped. */
export function splitLines(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n").split("\n");
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

export function rstrip(line: string): string {
  return line.replace(/\s+$/, "");
}

/**
 * The canonical form of a piece of frozen text: trailing whitespace removed from every line and blank lines
 * at the end dropped, joined with "\n".
 */
export function normalizeLines(lines: string[]): string {
  const out = lines.map(rstrip);
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out.join("\n");
}

export function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** sha256 of normalizeLines(lines). */
export function hashLines(lines: string[]): string {
  return sha256(normalizeLines(lines));
}

/** Posix-style relative path (zip entries and manifests always use "/"). */
export function toPosix(p: string): string {
  return p.split("\\").join("/");
}

/** First non-blank line of a text, shortened for messages. */
export function firstLine(text: string, max = 60): string {
  const line = splitLines(text).find((l) => l.trim() !== "")?.trim() ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
