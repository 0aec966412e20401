/**
 * A tool's parameters are declared as a small JSON Schema: `type: "object"`, `properties`
 * each a string, integer, number, boolean or enum (with the usual bounds), `required`. The
 * declaration is checked here when a tool is saved, and compiled to a Zod schema that
 * validates the values of each execution, so a bad value is a VALIDATION error naming
 * `parameters.<name>` before anything is filled into an argv.
 */
import { z } from "zod";

export const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_STRING = 10_000;

const validRegex = z.string().refine(
  (source) => {
    try {
      new RegExp(source, "u");
      return true;
    } catch {
      return false;
    }
  },
  { error: "must be a valid regular expression" },
);

const common = { description: z.string().max(2000).optional(), title: z.string().max(200).optional() };

const stringProperty = z.strictObject({
  ...common,
  type: z.literal("string"),
  enum: z.array(z.string().max(MAX_STRING)).min(1).optional(),
  default: z.string().max(MAX_STRING).optional(),
  minLength: z.number().int().min(0).optional(),
  maxLength: z.number().int().min(1).max(MAX_STRING).optional(),
  pattern: validRegex.optional(),
  format: z.string().max(50).optional(),
});
const numericProperty = (type: "integer" | "number") =>
  z.strictObject({
    ...common,
    type: z.literal(type),
    enum: z
      .array(type === "integer" ? z.number().int() : z.number())
      .min(1)
      .optional(),
    default: (type === "integer" ? z.number().int() : z.number()).optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
  });
const booleanProperty = z.strictObject({ ...common, type: z.literal("boolean"), default: z.boolean().optional() });
const enumProperty = z.strictObject({
  ...common,
  enum: z.array(z.union([z.string().max(MAX_STRING), z.number()])).min(1),
  default: z.union([z.string(), z.number()]).optional(),
});

export const parameterPropertySchema = z.union([
  stringProperty,
  numericProperty("integer"),
  numericProperty("number"),
  booleanProperty,
  enumProperty,
]);
export type ParameterProperty = z.infer<typeof parameterPropertySchema>;

/** The declaration of a tool's parameters (what `tools.create` accepts as `parameters`). */
export const parametersDefinitionSchema = z
  .strictObject({
    $schema: z.string().max(200).optional(),
    title: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
    type: z.literal("object", { error: 'must be "object"' }),
    properties: z
      .record(
        z.string().regex(PARAMETER_NAME, { error: "parameter names are letters, digits and _" }),
        parameterPropertySchema,
      )
      .default({}),
    required: z.array(z.string()).default([]),
    additionalProperties: z.literal(false).optional(),
  })
  .superRefine((schema, ctx) => {
    schema.required.forEach((name, i) => {
      if (!(name in schema.properties)) {
        ctx.addIssue({ code: "custom", path: ["required", i], message: `${name} is not a declared property` });
      }
    });
  })
  .describe(
    'JSON Schema of the parameters: { type: "object", properties: { name: { type: string | integer | number | boolean, enum?, default?, ... } }, required: [...] }',
  );
export type ParametersDefinition = z.infer<typeof parametersDefinitionSchema>;

/** Values a parameter takes once validated. */
export type ParameterValue = string | number | boolean;

const noNul = (value: string) => !value.includes("\u0000");

function valueSchema(property: ParameterProperty): z.ZodType<ParameterValue> {
  const options = "enum" in property ? (property.enum as readonly ParameterValue[] | undefined) : undefined;
  if (!("type" in property) || options) {
    const allowed = options ?? [];
    return z.custom<ParameterValue>((value) => allowed.includes(value as ParameterValue), {
      error: `must be one of ${allowed.map((o) => JSON.stringify(o)).join(", ")}`,
    });
  }
  switch (property.type) {
    case "string": {
      let schema = z.string().max(property.maxLength ?? MAX_STRING);
      if (property.minLength !== undefined) schema = schema.min(property.minLength);
      if (property.pattern) schema = schema.regex(new RegExp(property.pattern, "u"));
      return schema.refine(noNul, { error: "must not contain NUL" });
    }
    case "integer":
    case "number": {
      let schema = property.type === "integer" ? z.number().int() : z.number();
      if (property.minimum !== undefined) schema = schema.min(property.minimum);
      if (property.maximum !== undefined) schema = schema.max(property.maximum);
      return schema;
    }
    case "boolean":
      return z.boolean();
  }
}

/** The Zod schema of a tool's parameter values: unknown names refused, defaults applied. */
export function compileParameters(definition: ParametersDefinition): z.ZodType<Record<string, ParameterValue>> {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, property] of Object.entries(definition.properties)) {
    const schema = valueSchema(property);
    shape[name] =
      property.default !== undefined
        ? schema.default(property.default as never)
        : definition.required.includes(name)
          ? schema
          : schema.optional();
  }
  return z.strictObject(shape) as unknown as z.ZodType<Record<string, ParameterValue>>;
}
