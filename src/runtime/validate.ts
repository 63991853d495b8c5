// Runs the precompiled validators (generated/<api>.validators.ts) and turns Ajv's errors into issues that name
// the field, its JSON pointer and the violated rule.
import type { ValidationIssue } from "./errors.js";

export interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

export type Validator = ((data: unknown) => boolean) & { errors?: SchemaError[] | null };

export interface OperationValidators {
  params: Validator;
  body: Validator | null;
  responses: Record<string, Validator>;
}

function unescape(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

/**
 * `splitLocation` is true for the params validator, whose data is `{ path, query, header }`: the first pointer
 * segment is then the location.
 */
export function validationIssues(
  validator: Validator,
  data: unknown,
  location: string,
  splitLocation = false,
  fieldMessages: Record<string, string> = {},
): ValidationIssue[] {
  if (validator(data)) return [];
  const issues = schemaIssues(validator, location, splitLocation);
  return withFieldMessages(issues, location, fieldMessages);
}

/**
 * A field whose spec gives `x-bizchat-invalid-message` (e.g. a value that may take two forms) reports that one
 * message, once, instead of each branch's schema error.
 */
function withFieldMessages(
  issues: ValidationIssue[],
  location: string,
  fieldMessages: Record<string, string>,
): ValidationIssue[] {
  const reported = new Set<string>();
  return issues.flatMap((issue) => {
    const field = issue.pointer.split("/")[1];
    const message = issue.location === location && field !== undefined ? fieldMessages[field] : undefined;
    if (message === undefined) return [issue];
    if (reported.has(field!)) return [];
    reported.add(field!);
    return [{ ...issue, field: `${location}.${field!}`, pointer: `/${field!}`, message }];
  });
}

function schemaIssues(validator: Validator, location: string, splitLocation: boolean): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const error of validator.errors ?? []) {
    // Skip the umbrella errors of anyOf/oneOf/if: their branches already reported the details.
    if (error.keyword === "if") continue;
    let segments = error.instancePath.split("/").slice(1).map(unescape);
    let where = location;
    if (splitLocation && segments.length) {
      where = segments[0]!;
      segments = segments.slice(1);
    }
    const extra = (error.params.missingProperty ?? error.params.additionalProperty) as string | undefined;
    if (extra !== undefined) {
      if (splitLocation && !segments.length && where === location) where = extra;
      else segments.push(extra);
    }
    const pointer = segments.length
      ? "/" + segments.map((s) => s.replace(/~/g, "~0").replace(/\//g, "~1")).join("/")
      : "";
    let message = error.message ?? error.keyword;
    if (error.keyword === "additionalProperties") message = "is not a documented field";
    if (error.keyword === "required") message = "is required";
    if (error.keyword === "enum") message = `must be one of ${JSON.stringify(error.params.allowedValues)}`;
    issues.push({
      location: where,
      field: [where, ...segments].join("."),
      pointer,
      rule: error.keyword,
      params: error.params,
      message,
    });
  }
  return issues;
}
