/**
 * Who is submitting: name, student id, option (1 = I did it; 2 = I could not finish but explain my understanding
 * in comments), from flags or, on a terminal, from prompts. The zip is named {name}-{id}-A{n}-O{option}.zip.
 */
import * as readline from "node:readline/promises";

export interface StudentInfo {
  name: string;
  id: string;
  option: 1 | 2;
}

export class StudentInfoError extends Error {}

/** Letters (any script), digits, "_" and "." survive; spaces and "-" become "_" ("-" separates the name parts). */
export function safeName(name: string): string {
  return name.normalize("NFC").trim().replace(/[\s-]+/g, "_").replace(/[^\p{L}\p{N}_.]/gu, "").replace(/^[._]+|[._]+$/g, "");
}

export function validateName(name: string | undefined): string {
  const n = (name ?? "").trim();
  if (!n) throw new StudentInfoError('missing your name: pass --name "Your Name" (as on the class roster)');
  if (!safeName(n)) throw new StudentInfoError(`name "${n}" has no letters or digits left for the file name: use your name as on the class roster`);
  return n;
}

export function validateId(id: string | undefined): string {
  const v = (id ?? "").trim();
  if (!v) throw new StudentInfoError("missing your student id: pass --id 20231234");
  if (!/^[A-Za-z0-9]{1,32}$/.test(v)) throw new StudentInfoError(`student id "${v}" must be letters and digits only (e.g. 20231234)`);
  return v;
}

export function validateOption(option: string | number | undefined): 1 | 2 {
  const o = String(option ?? "").trim();
  if (o === "1" || o === "2") return Number(o) as 1 | 2;
  if (!o) throw new StudentInfoError("missing --option: 1 = you completed the assignment yourself, 2 = you could not finish but explain your understanding in comments");
  throw new StudentInfoError(`--option must be 1 or 2 (got "${o}")`);
}

export function submissionFileName(pattern: string, info: StudentInfo): string {
  return pattern.replace("{name}", safeName(info.name)).replace("{id}", info.id).replace("{option}", String(info.option));
}

/** Fills missing fields by asking on a terminal; without a terminal, missing fields are errors. */
export async function resolveStudentInfo(
  given: { name?: string; id?: string; option?: string },
  io: { interactive?: boolean; input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream } = {},
): Promise<StudentInfo> {
  const interactive = io.interactive ?? Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const missing = !given.name || !given.id || !given.option;
  if (!missing || !interactive) {
    return { name: validateName(given.name), id: validateId(given.id), option: validateOption(given.option) };
  }
  const rl = readline.createInterface({ input: io.input ?? process.stdin, output: io.output ?? process.stdout });
  try {
    const ask = async <T>(value: string | undefined, question: string, check: (v: string) => T): Promise<T> => {
      if (value) return check(value);
      for (;;) {
        const answer = await rl.question(question);
        try {
          return check(answer);
        } catch (err) {
          (io.output ?? process.stdout).write(`${(err as Error).message}\n`);
        }
      }
    };
    const name = await ask(given.name, "Your name (as on the class roster): ", validateName);
    const id = await ask(given.id, "Your student id: ", validateId);
    const option = await ask(given.option, "Option (1 = I completed it myself, 2 = I could not finish; my comments explain my understanding): ", validateOption);
    return { name, id, option };
  } finally {
    rl.close();
  }
}
