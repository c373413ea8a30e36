/**
 * Seeds: every hidden test's inputs come from seed = HMAC-SHA256(course secret, student id + test name), so two
 * students get different data, the same student always the same data, and nobody without the secret can
 * regenerate them. The grader-only seed (held-out split) derives from the secret alone.
 */
import { createHash, createHmac } from "node:crypto";

/** Used when no secret is given: fine for trying the grader, not for real grading (anyone can derive the data). */
export const DEV_SECRET = "dlvr-development-secret";
export const SECRET_ENV = "GRADER_SEED_SECRET";

export function testSeed(secret: string, studentId: string, testName: string): string {
  return createHmac("sha256", secret).update(`test\0${studentId}\0${testName}`).digest("hex").slice(0, 32);
}

export function graderSeed(secret: string, purpose: string): string {
  return createHmac("sha256", secret).update(`grader\0${purpose}`).digest("hex").slice(0, 32);
}

/** Identifies a secret in outputs without revealing it. */
export function secretFingerprint(secret: string): string {
  return createHash("sha256").update(`dlvr-secret-fingerprint\0${secret}`).digest("hex").slice(0, 12);
}

export function resolveSecret(given: string | undefined, warn: (line: string) => void): string {
  const s = given ?? process.env[SECRET_ENV];
  if (s !== undefined && s !== "") return s;
  warn(`[grade] WARNING: no --seed-secret (or ${SECRET_ENV}); using the development secret. Hidden inputs are then predictable: pass the course secret for real grading.`);
  return DEV_SECRET;
}
