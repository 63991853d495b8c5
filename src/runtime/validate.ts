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
    // Skip the umbrella errors of if/then: the `then` branch already reported the details.
    if (error.keyword === "if") continue;
    let segments = error.instancePath.split("/").slice(1).map(unescape);
    let where = location;
    if (splitLocation && segments.length) {
      where = segments[0]!;
      segments = segments.slice(1);
    }
    const extra = (error.params.missingProperty ?? error.params.additionalProperty ?? discriminatorTag(error)) as
      string | undefined;
    if (extra !== undefined) {
      if (splitLocation && !segments.length && where === location) where = extra;
      else segments.push(extra);
    }
    const pointer = segments.length
      ? "/" + segments.map((s) => s.replace(/~/g, "~0").replace(/\//g, "~1")).join("/")
      : "";
    issues.push({ location: where, field: [where, ...segments].join("."), pointer, ...ruleOf(error) });
  }
  return issues;
}

/** The property a failed discriminator reads (a oneOf's `discriminator` in the spec): the issue is about it. */
function discriminatorTag(error: SchemaError): unknown {
  return error.keyword === "discriminator" ? error.params.tag : undefined;
}

function ruleOf(error: SchemaError): Pick<ValidationIssue, "rule" | "params" | "message"> {
  if (error.keyword === "discriminator") return discriminatorRule(error);
  return { rule: error.keyword, params: error.params, message: messageOf(error) };
}

function messageOf({ keyword, params, message }: SchemaError): string {
  if (keyword === "additionalProperties") return "is not a documented field";
  if (keyword === "required") return "is required";
  if (keyword === "enum") return `must be one of ${JSON.stringify(params.allowedValues)}`;
  return message ?? keyword;
}

/**
 * A union told apart by a property (OpenAPI `discriminator`) checks only the branch that property names; when it
 * is missing or names no branch, that is the one issue, reported as `required` or `enum` with the allowed values
 * (the generator adds them to the error). The value sent is not echoed back.
 */
function discriminatorRule(error: SchemaError): Pick<ValidationIssue, "rule" | "params" | "message"> {
  const allowed = JSON.stringify(error.params.allowedValues);
  if (error.params.tagValue === undefined) {
    const params = { missingProperty: error.params.tag, allowedValues: error.params.allowedValues };
    return { rule: "required", params, message: `is required, one of ${allowed}` };
  }
  return { rule: "enum", params: { allowedValues: error.params.allowedValues }, message: `must be one of ${allowed}` };
}
