// Turns `--param name=value` strings into the `{ path, query, header }` object the typed clients take.
//
// Where each parameter goes and which JSON type it has are read from the spec through the generated params
// validator (generated/<api>.validators.ts) rather than repeated here: path parameters are listed in the operation
// table; the query location is closed (`additionalProperties: false`), so the validator reveals a documented query
// name by rejecting a probe name but not it; the header location is left open (callers may add any header), so a
// documented header is found by its schema instead: a value of the wrong JSON type draws a `type` error at its
// pointer, an undocumented one draws none. A value is converted only where the validator reports a `type` error for
// the string (e.g. "322" → 322 for an integer).
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

/** True when the operation documents `name` as a query parameter (a closed location: unknown names are rejected). */
function documentedInQuery(validator: Validator, name: string): boolean {
  const errors = errorsFor(validator, { query: { [PROBE]: "", [name]: "" } });
  return rejected(errors, "query", PROBE) && !rejected(errors, "query", name);
}

/** A JSON value no parameter schema with a `type` accepts together with a string, number or boolean one. */
const WRONG_TYPE_PROBE = { [PROBE]: [] };
const pointerTo = (name: string) => `/header/${name.replace(/~/g, "~0").replace(/\//g, "~1")}`;

/**
 * The documented spelling of header `name`, or null. The header location is open, so a documented header shows
 * only through its own schema rejecting a value of the wrong type. HTTP header names are case-insensitive
 * (https://www.rfc-editor.org/rfc/rfc9110#section-5.1), so `X-Foo` finds a header the spec spells `x-foo`.
 */
function documentedHeader(validator: Validator, name: string): string | null {
  for (const candidate of new Set([name, name.toLowerCase()])) {
    const errors = errorsFor(validator, { header: { [candidate]: WRONG_TYPE_PROBE } });
    if (errors.some((e) => e.instancePath === pointerTo(candidate))) return candidate;
  }
  return null;
}

function locate(validator: Validator, row: OperationRow, name: string): { location: Location; name: string } | null {
  if (row.pathParams.includes(name)) return { location: "path", name };
  if (documentedInQuery(validator, name)) return { location: "query", name };
  const header = documentedHeader(validator, name);
  return header === null ? null : { location: "header", name: header };
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
    const found = locate(validator, row, name);
    if (!found) {
      unknown.push(name);
      continue;
    }
    (params[found.location] ??= {})[found.name] = values.length === 1 ? values[0] : values;
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
