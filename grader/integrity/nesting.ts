/**
 * A bounded look at student code before any recursive parser sees it: the deepest bracket nesting, found by a
 * flat scan (strings, template literals, comments and regex-looking literals skipped roughly; no recursion).
 * The TypeScript parser overflows the grader's stack on about 10k nested parentheses, so blocks nested deeper
 * than MAX_NESTING are set aside (like a block that does not compile) before anything parses them.
 */
export const MAX_NESTING = 500;

/** Deepest nesting of (), [] and {} in `text` (an unbalanced closer never goes below 0). */
export function maxNesting(text: string): number {
  let depth = 0;
  let max = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if (c === "/" && next === "/") {
      const e = text.indexOf("\n", i);
      i = e < 0 ? n : e + 1;
    } else if (c === "/" && next === "*") {
      const e = text.indexOf("*/", i + 2);
      i = e < 0 ? n : e + 2;
    } else if (c === '"' || c === "'" || c === "`") {
      i++;
      while (i < n && text[i] !== c && !(c !== "`" && text[i] === "\n")) i += text[i] === "\\" ? 2 : 1;
      i++;
    } else {
      if (c === "(" || c === "[" || c === "{") max = Math.max(max, ++depth);
      else if ((c === ")" || c === "]" || c === "}") && depth > 0) depth--;
      i++;
    }
  }
  return max;
}
