// Step 1 of a call: refuse what must not be sent. Route-changing path values are refused always; the rest is
// checked against the spec's precompiled validators unless `validate.request` is false.
import { RequestValidationError, type Provider, type ValidationIssue } from "./errors.js";
import { binaryPartIssues, isEncodable } from "./serializers.js";
import { validationIssues, type OperationValidators } from "./validate.js";

/** What `validateCall` reads of an operation row. */
export interface ValidatedOperation {
  operationId: string;
  provider: Provider;
  requestBody: {
    required: boolean;
    binaryFields: Record<string, number | null>;
    invalidMessages?: Record<string, string>;
  } | null;
  validators: OperationValidators;
}

export interface CallParams {
  path?: Record<string, unknown>;
  query?: Record<string, unknown>;
  header?: Record<string, unknown>;
}

/**
 * A path parameter of "." or ".." would be resolved away by URL parsing (even percent-encoded: the WHATWG URL
 * standard treats %2E%2E as ".."), changing the route; an empty one leaves an empty segment ("//"); a lone
 * surrogate cannot be percent-encoded. Such values are refused whatever `validate.request` says, checked as they
 * will be serialized (an array or object becomes its comma-joined values). Every other character, "/" included,
 * is percent-encoded by the path serializer.
 */
export function unsafePathIssues(path: Record<string, unknown> | undefined): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (path === undefined) return issues;
  for (const name in path) {
    const value = path[name];
    if (value === undefined) continue;
    const text = Array.isArray(value)
      ? value.map(String).join(",")
      : value !== null && typeof value === "object"
        ? Object.entries(value).flat().map(String).join(",")
        : // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a primitive: objects are handled above
          String(value);
    const base = { location: "path" as const, field: `path.${name}`, pointer: `/${name}`, params: {} };
    if (/^(\.|%2e){0,2}$/i.test(text)) {
      issues.push({
        ...base,
        rule: "dotSegment",
        message: 'must not be empty, "." or ".." (it would change the route)',
      });
    } else if (!isEncodable(text)) {
      issues.push({
        ...base,
        rule: "encoding",
        message: "must be well-formed Unicode (a lone surrogate cannot be sent in a URL)",
      });
    }
  }
  return issues;
}

function bodyIssues(operation: ValidatedOperation, body: unknown): ValidationIssue[] {
  const spec = operation.requestBody;
  if (!spec) return [];
  if (body === undefined) {
    return spec.required
      ? [{ location: "body", field: "body", pointer: "", rule: "required", params: {}, message: "is required" }]
      : [];
  }
  const schema = validationIssues(operation.validators.body!, body, "body", false, spec.invalidMessages);
  const binary = binaryPartIssues(body, spec.binaryFields);
  return binary.length ? [...schema, ...binary] : schema;
}

const NO_PARAMS: CallParams = Object.freeze({});

/** Throws RequestValidationError (nothing is sent) when the call breaks the spec or would change the route. */
export function validateCall(
  operation: ValidatedOperation,
  params: CallParams | undefined,
  body: unknown,
  checkSchema: boolean,
): void {
  const unsafe = unsafePathIssues(params?.path);
  if (unsafe.length) throw new RequestValidationError(operation.operationId, operation.provider, unsafe);
  if (!checkSchema) return;
  const paramIssues = validationIssues(operation.validators.params, params ?? NO_PARAMS, "params", true);
  const bodyProblems = bodyIssues(operation, body);
  if (paramIssues.length || bodyProblems.length)
    throw new RequestValidationError(operation.operationId, operation.provider, [...paramIssues, ...bodyProblems]);
}
