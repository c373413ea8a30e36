/** JSON Schema validation with ajv, with errors that name the offending field: `modules[0].student: ...`. */
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
const compiled = new Map<object, ValidateFunction>();

function fieldPath(instancePath: string): string {
  if (instancePath === "") return "";
  return instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), "");
}

export function formatAjvError(e: ErrorObject): string {
  const at = fieldPath(e.instancePath);
  const join = (field: string) => (at ? `${at}.${field}` : field);
  switch (e.keyword) {
    case "required":
      return `${join(String(e.params.missingProperty))}: missing (required)`;
    case "additionalProperties":
      return `${join(String(e.params.additionalProperty))}: unknown field (check the spelling)`;
    case "enum":
      return `${at || "(top level)"}: must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "propertyNames":
      return `${at || "(top level)"}: invalid key ${JSON.stringify(e.params.propertyName)}`;
    default:
      return `${at || "(top level)"}: ${e.message ?? e.keyword}`;
  }
}

/** Validates `data`; returns readable errors (empty when valid). `propertyNames` errors come with the key. */
export function validateWithSchema(schema: object, data: unknown): string[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  // A bad key under propertyNames also yields a "pattern" error on the key itself; keep the readable one.
  return [...new Set(errors.filter((e) => !(e.propertyName !== undefined && e.keyword !== "propertyNames")).map(formatAjvError))];
}
