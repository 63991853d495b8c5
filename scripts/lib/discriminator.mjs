// OpenAPI's `discriminator` names the property that tells the branches of a oneOf apart
// (https://spec.openapis.org/oas/v3.1.0#discriminator-object). Compiled with Ajv's `discriminator` option, only the
// branch that property names is checked, so an invalid body reports that branch's issues instead of one or more per
// branch (https://ajv.js.org/json-schema.html#discriminator). Ajv refuses `mapping` and reads the value that picks
// each branch from the branch's `const`: the copy Ajv compiles keeps the property name and those values, and its
// error carries them, so a missing or unknown value can be reported with what is allowed.
import { _, stringify } from "ajv/dist/2020.js";
import discriminatorModule from "ajv/dist/vocabularies/discriminator/index.js";
import { deref } from "./specs.mjs";

// A CommonJS module with `exports.default`: Node puts module.exports under the default import, Vite unwraps it.
const builtIn = discriminatorModule.default ?? discriminatorModule;

/** The value of `propertyName` that picks a branch: the `const` the branch pins it to. */
function branchValue(spec, branch, propertyName) {
  const value = deref(spec, branch)?.properties?.[propertyName]?.const;
  if (typeof value !== "string") {
    throw new Error(`discriminator: every oneOf branch must pin "${propertyName}" with a string const`);
  }
  return value;
}

/**
 * The Ajv copy of a schema's discriminator: `{ propertyName, values }`. The spec's `mapping` must name every value
 * and point it at the branch that pins it, so readers of the spec and the validators agree.
 */
export function discriminatorForAjv(spec, schema) {
  const { propertyName, mapping = {} } = schema.discriminator;
  if (!Array.isArray(schema.oneOf)) throw new Error(`discriminator "${propertyName}": needs a oneOf beside it`);
  const values = schema.oneOf.map((branch) => branchValue(spec, branch, propertyName));
  const mapped = values.every((value, i) => mapping[value] === schema.oneOf[i].$ref);
  if (!mapped || Object.keys(mapping).length !== values.length) {
    throw new Error(
      `discriminator "${propertyName}": mapping must be exactly ${JSON.stringify(values)} → their branches`,
    );
  }
  return { propertyName, values };
}

/** Ajv's discriminator keyword, its error extended with the allowed values (`params.allowedValues`). */
export const ajvDiscriminator = {
  ...builtIn,
  error: {
    message: builtIn.error.message,
    params: ({ params, schema }) =>
      _`{error: ${params.discrError}, tag: ${params.tagName}, tagValue: ${params.tag}, allowedValues: ${stringify(schema.values)}}`,
  },
};
