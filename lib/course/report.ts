/** Check results and how the CLIs print them: one line per item, details indented below, then a summary. */
export type Level = "ok" | "info" | "warn" | "error";

export interface Issue {
  level: Level;
  /** What the line is about: a file, "file: block x", "file: cell 7". */
  item: string;
  message: string;
  /** Extra lines (a diff), printed indented. */
  detail?: string;
}

const TAGS: Record<Level, string> = { ok: "ok  ", info: "info", warn: "WARN", error: "FAIL" };

export function formatIssue(i: Issue): string {
  const head = `${TAGS[i.level]}  ${i.item}: ${i.message}`;
  if (!i.detail) return head;
  return `${head}\n${i.detail.split("\n").map((l) => `        ${l}`).join("\n")}`;
}

export function counts(issues: Issue[]): { errors: number; warnings: number } {
  return { errors: issues.filter((i) => i.level === "error").length, warnings: issues.filter((i) => i.level === "warn").length };
}

export const errorsOf = (issues: Issue[]) => issues.filter((i) => i.level === "error");
