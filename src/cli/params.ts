// Turns `--param name=value` strings into the `{ path, query, header }` object the typed clients take.
//
// Where each parameter goes and which JSON type it has are read from the spec through the generated params
// validator (generated/<api>.validators.ts) rather than repeated here: path parameters are listed in the operation
// table; a query or header location exists when its schema is closed (`additionalProperties: false`, which the
// generator emits for every location), which the validator reveals by rejecting a probe name; and a value is
// converted only where the validator reports a `type` error for the string (e.g. "322" → 322 for an integer).
// Whatever stays wrong is left for the client's own validation, which names field and rule and sends nothing.
// This relies on the validators reporting every error (Ajv `allErrors: true` in scripts/lib/validators.mjs): a
// first-error-only validator would stop at the missing path parameters of a probe.
import { RequestValidationError } from "../runtime/errors.js";
import type { OperationRow } from "../runtime/client.js";
import { validationIssues, type SchemaError, type Validator } from "../runtime/validate.js";
import type { ProviderName } from "./providers.js";

export type Location = "path" | "query" | "header";
export type Params = Partial<Record<Location, Record<string, unknown>>>;

const PROBE = "__bizchat_probe__";

function errorsFor(validator: Validator, data: unknown): SchemaError[] {
  return validator(data) ? [] : (validator.errors ?? []);
}

function rejected(errors: SchemaError[], location: Location, name: string): boolean {
  return errors.some(
    (e) =>
      e.keyword === "additionalProperties" && e.instancePath === `/${location}` && e.params.additionalProperty === name,
  );
}

/** True when the operation documents `name` in the query or header location. */
function documentedIn(validator: Validator, location: Location, name: string): boolean {
  const errors = errorsFor(validator, { [location]: { [PROBE]: "", [name]: "" } });
  return rejected(errors, location, PROBE) && !rejected(errors, location, name);
}

function locate(validator: Validator, row: OperationRow, name: string): Location | null {
  if (row.pathParams.includes(name)) return "path";
  if (documentedIn(validator, "query", name)) return "query";
  if (documentedIn(validator, "header", name)) return "header";
  return null;
}

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** The value in the first of the expected JSON types it can be read as, or undefined. */
function convert(value: string, types: string[]): unknown {
  if (types.includes("string")) return undefined;
  for (const type of types) {
    if ((type === "integer" || type === "number") && NUMBER.test(value)) {
      const number = Number(value);
      // Beyond 2^53 a number is no longer exact: keep the string and let validation report it.
      if (type === "integer" && !Number.isSafeInteger(number)) continue;
      return number;
    }
    if (type === "boolean" && (value === "true" || value === "false")) return value === "true";
    if (type === "null" && value === "null") return null;
    if (type === "array") return [value];
    if (type === "object") {
      try {
        const parsed: unknown = JSON.parse(value);
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed;
      } catch {
        // not JSON: leave it to validation
      }
    }
  }
  return undefined;
}

function expectedTypes(error: SchemaError): string[] {
  const type = error.params.type;
  if (Array.isArray(type)) return type.map(String);
  return typeof type === "string" ? type.split(",") : [];
}

/** Follows a JSON pointer inside `params` to the value's container, or null. */
function container(
  params: Params,
  pointer: string,
): { holder: Record<string, unknown> | unknown[]; key: string } | null {
  const segments = pointer
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (segments.length < 2) return null;
  let holder: unknown = params;
  for (const segment of segments.slice(0, -1)) {
    if (!holder || typeof holder !== "object") return null;
    holder = (holder as Record<string, unknown>)[segment];
  }
  if (!holder || typeof holder !== "object") return null;
  return { holder: holder as Record<string, unknown>, key: segments.at(-1)! };
}

/** Converts string values the schema wants as another type, until the validator has nothing more to convert. */
function coerce(validator: Validator, params: Params): void {
  for (let round = 0; round < 5; round++) {
    let changed = false;
    for (const error of errorsFor(validator, params)) {
      if (error.keyword !== "type") continue;
      const target = container(params, error.instancePath);
      if (!target) continue;
      const current = (target.holder as Record<string, unknown>)[target.key];
      if (typeof current !== "string") continue;
      const converted = convert(current, expectedTypes(error));
      if (converted === undefined) continue;
      (target.holder as Record<string, unknown>)[target.key] = converted;
      changed = true;
    }
    if (!changed) return;
  }
}

/**
 * Builds the params of one call. Repeating a name gives an array. A name the operation does not document is a
 * RequestValidationError (nothing is sent), worded like the client's own.
 */
export function buildParams(
  provider: ProviderName,
  operationId: string,
  row: OperationRow,
  validator: Validator,
  inputs: [string, string][],
): Params {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of inputs) grouped.set(name, [...(grouped.get(name) ?? []), value]);

  const params: Params = {};
  const unknown: string[] = [];
  for (const [name, values] of grouped) {
    const location = locate(validator, row, name);
    if (!location) {
      unknown.push(name);
      continue;
    }
    (params[location] ??= {})[name] = values.length === 1 ? values[0] : values;
  }
  coerce(validator, params);
  if (unknown.length) {
    // Report the known parameters' problems too (as the client would), so one run shows everything to fix.
    throw new RequestValidationError(operationId, provider, [
      ...unknown.map((name) => ({
        location: "params",
        field: `params.${name}`,
        pointer: `/${name}`,
        rule: "additionalProperties",
        params: { additionalProperty: name },
        message: "is not a documented path, query or header parameter",
      })),
      ...validationIssues(validator, params, "params", true),
    ]);
  }
  return params;
}
