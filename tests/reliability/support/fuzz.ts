/**
 * Requests generated from the live OpenAPI document with fast-check: valid ones (values
 * drawn from each operation's JSON Schema, ids of real records), boundary ones (lengths and
 * numbers at and just past their limits) and malformed ones (wrong types, huge strings, deep
 * nesting, unicode, SQL and template injection strings, missing and extra fields, wrong
 * content types, broken JSON, malformed path, query and header values).
 */
import fc from "fast-check";

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

interface Parameter {
  in: "path" | "query" | "header" | "cookie";
  name: string;
  required?: boolean;
  schema?: JsonSchema;
}

export interface Operation {
  method: string;
  /** Template such as /assessments/{assessmentId}/activities. */
  path: string;
  parameters: Parameter[];
  bodyType: "json" | "multipart" | null;
  bodySchema?: JsonSchema;
  bodyRequired: boolean;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: RequestBody }>>;
  components?: { schemas?: Record<string, JsonSchema> };
}
interface RequestBody {
  required?: boolean;
  content?: Record<string, { schema?: JsonSchema }>;
}

export type Kind = "valid" | "boundary" | "malformed";

export interface FuzzRequest {
  kind: Kind;
  /** What was done to it, e.g. "wrong type at title", "deep nesting". */
  variant: string;
  operation: string;
  method: string;
  /** Path with its parameters filled in, and query string. */
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Which identity sends it: the superuser, nobody, or a garbage token. */
  auth: "user" | "none" | "garbage";
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const content = op.requestBody?.content ?? {};
      const json = content["application/json"];
      const multipart = content["multipart/form-data"];
      ops.push({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        bodyType: json ? "json" : multipart ? "multipart" : null,
        ...(json?.schema ? { bodySchema: json.schema } : {}),
        bodyRequired: op.requestBody?.required ?? false,
      });
    }
  }
  return ops;
}

// ---------------------------------------------------------------------------------------------
// Hostile values

export const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '" OR ""="',
  "1; SELECT pg_sleep(5); --",
  "') UNION SELECT password_hash FROM users --",
  "{{7*7}}",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as plain text
  "${7*7}",
  "#{7*7}",
  "<%= 7*7 %>",
  "{{constructor.constructor('return process')()}}",
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "../../../../etc/passwd",
  "..\\..\\windows\\win.ini",
  "%00",
  "%s%s%s%s%n",
  "\r\nSet-Cookie: injected=1",
  "__proto__",
  "constructor",
  "$where",
  '{"$gt": ""}',
  "*)(uid=*))(|(uid=*",
  "`rm -rf /`",
  "|| ping -c 1 127.0.0.1",
];

export const UNICODE = [
  "😀🔥💥 emoji",
  "مرحبا بالعالم",
  "שלום עולם",
  "\u202Eevil\u202C",
  "zero\u200Bwidth\u200Djoiner",
  "\u0000nul byte",
  "nul in the middle\u0000of text",
  "\uD800 lone surrogate",
  "\uFFFF\uFFFE",
  "e\u0301\u0301\u0301 combining",
  "𝕳𝖊𝖑𝖑𝖔 𝖜𝖔𝖗𝖑𝖉",
  "中文字符测试",
  "\t\n\r\v\f",
  "\u001B[31mred\u001B[0m",
  "Ａｄｍｉｎ",
];

const hostileString = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.constantFrom(...UNICODE),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
);

/** Any JSON value of a type other than `type`. */
function wrongTypeFor(type: string | undefined): fc.Arbitrary<unknown> {
  const all: Record<string, fc.Arbitrary<unknown>> = {
    string: fc.string({ maxLength: 10 }),
    number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
    boolean: fc.boolean(),
    object: fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
    array: fc.array(fc.integer(), { maxLength: 3 }),
    null: fc.constant(null),
  };
  const t = type === "integer" ? "number" : type;
  return fc.oneof(
    ...Object.entries(all)
      .filter(([k]) => k !== t)
      .map(([, a]) => a),
  );
}

// ---------------------------------------------------------------------------------------------
// Values from schemas

export interface Known {
  /** Ids of real records (organization, assessment, activity, tag...), used for uuid fields. */
  ids: string[];
}

const PATTERN_VALUES: [RegExp, fc.Arbitrary<string>][] = [
  [/\^T\\d\{4\}/, fc.constantFrom("T1003", "T1059.001", "T1566", "T1078.004", "T9999")],
  [/#|\[0-9a-fA-F\]\{6\}/, fc.constantFrom("#112233", "#abcdef", "#FF0000")],
  [/\^\[a-z\]\+\(-\[a-z\]\+\)\*\$/, fc.constantFrom("credential-access", "execution", "impact", "discovery")],
];

function resolve(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  let s = schema;
  for (let i = 0; s.$ref && i < 10; i++) {
    const name = s.$ref.replace("#/components/schemas/", "");
    s = doc.components?.schemas?.[name] ?? {};
  }
  return s;
}

function typesOf(s: JsonSchema): string[] {
  if (Array.isArray(s.type)) return s.type;
  if (s.type) return [s.type];
  if (s.properties) return ["object"];
  if (s.items) return ["array"];
  return [];
}

export function validValue(doc: OpenApiDocument, schema: JsonSchema, known: Known, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((a) => validValue(doc, a, known, depth + 1)));
  if (s.allOf) {
    const merged: JsonSchema = { type: "object", properties: {}, required: [] };
    for (const part of s.allOf.map((p) => resolve(doc, p))) {
      Object.assign(merged.properties as object, part.properties ?? {});
      merged.required?.push(...(part.required ?? []));
    }
    return validValue(doc, merged, known, depth + 1);
  }
  const types = typesOf(s);
  if (types.length > 1) {
    return fc.oneof(...types.map((t) => validValue(doc, { ...s, type: t }, known, depth + 1)));
  }
  switch (types[0]) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer":
    case "number": {
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 0);
      const max = Math.min(s.maximum ?? min + 1000, min + 1000);
      return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
    }
    case "string":
      return validString(s, known);
    case "array": {
      if (depth > 5) return fc.constant([]);
      const max = Math.min(s.maxItems ?? 3, 3);
      return fc.array(validValue(doc, s.items ?? {}, known, depth + 1), {
        minLength: Math.min(s.minItems ?? 0, max),
        maxLength: max,
      });
    }
    case "object": {
      if (depth > 5) return fc.constant({});
      const props = s.properties ?? {};
      const required = (s.required ?? []).filter((k) => k in props);
      return fc.record(
        Object.fromEntries(Object.entries(props).map(([k, v]) => [k, validValue(doc, v, known, depth + 1)])),
        { requiredKeys: required },
      );
    }
    default:
      return fc.oneof(fc.constant({}), fc.string({ maxLength: 10 }), fc.integer(), fc.constant(null));
  }
}

function validString(s: JsonSchema, known: Known): fc.Arbitrary<string> {
  if (s.format === "uuid") return known.ids.length > 0 ? fc.oneof(fc.constantFrom(...known.ids), fc.uuid()) : fc.uuid();
  if (s.format === "email") return fc.emailAddress().filter((e) => e.length <= 100);
  if (s.format === "date-time") {
    return fc
      .date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true })
      .map((d) => d.toISOString());
  }
  if (s.format === "date") {
    return fc
      .date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
  }
  if (s.format === "uri" || s.format === "url") return fc.webUrl();
  if (s.pattern) {
    for (const [re, arb] of PATTERN_VALUES) if (re.test(s.pattern)) return arb;
  }
  const min = s.minLength ?? 0;
  const max = Math.max(min, Math.min(s.maxLength ?? 40, 40));
  return fc.string({ minLength: Math.max(min, 1), maxLength: max });
}

/** Lengths and numbers at and just past the schema's limits. */
function boundaryValue(doc: OpenApiDocument, schema: JsonSchema): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  const t = typesOf(s).find((x) => x !== "null") ?? typesOf(resolve(doc, s.anyOf?.[0] ?? {}))[0];
  if (t === "string") {
    const lengths = [
      0,
      s.minLength !== undefined ? s.minLength - 1 : 0,
      s.maxLength ?? 1000,
      (s.maxLength ?? 1000) + 1,
    ];
    return fc.constantFrom(...lengths.filter((n) => n >= 0)).map((n) => "x".repeat(n));
  }
  if (t === "integer" || t === "number") {
    return fc.constantFrom(
      ...[s.minimum, s.maximum].filter((n): n is number => n !== undefined).flatMap((n) => [n - 1, n, n + 1]),
      0,
      -1,
      1.5,
      2 ** 31,
      2 ** 53,
      Number.MAX_SAFE_INTEGER + 2,
      -(2 ** 63),
      1e308,
    );
  }
  if (t === "array") {
    const n = (s.maxItems ?? 100) + 1;
    return fc.constantFrom(
      [],
      Array.from({ length: n }, () => "00000000-0000-4000-8000-000000000000"),
    );
  }
  return fc.constantFrom(null, {}, [], "");
}

// ---------------------------------------------------------------------------------------------
// Requests

function deepNesting(depth: number, open: string, close: string): string {
  return `${open.repeat(depth)}1${close.repeat(depth)}`;
}

const MALFORMED_BODIES = fc.constantFrom(
  ["broken JSON", "{"],
  ["broken JSON", '{"a":}'],
  ["broken JSON", "[1,2,"],
  ["broken JSON", "nul"],
  ["broken JSON", "\uFEFF{}"],
  ["JSON scalar", "42"],
  ["JSON scalar", '"text"'],
  ["JSON null", "null"],
  ["JSON array", "[]"],
  ["deep nesting (arrays)", deepNesting(50_000, "[", "]")],
  ["deep nesting (objects)", deepNesting(20_000, '{"a":', "}")],
  ["huge body (over the limit)", `{"x":"${"A".repeat(1_200_000)}"}`],
  ["many keys", JSON.stringify(Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])))],
  ["duplicate keys", '{"title":"a","title":{"$ne":null}}'],
  ["prototype pollution", '{"__proto__":{"isSuperuser":true},"constructor":{"prototype":{"polluted":1}}}'],
);

const WRONG_CONTENT_TYPES = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=xyz",
  "application/xml",
  "application/json; charset=utf-16",
  "image/png",
];

const BAD_IDS = [
  "not-a-uuid",
  "00000000-0000-0000-0000-00000000000g",
  "1",
  "-1",
  "' OR 1=1 --",
  "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
  "..%2F..%2F",
  "%00",
  "😀",
  "x".repeat(5000),
  "{{7*7}}",
  "null",
  "undefined",
  "%E0%A4%A",
];

const BAD_QUERY_VALUES = ["-1", "0", "1e309", "NaN", "abc", "", "%00", "99999999999999999999999", "true", "[]", "{}"];

export interface Builder {
  build(count: number, seed: number): FuzzRequest[];
}

function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? "00000000-0000-4000-8000-000000000000");
}

function setAt(target: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  const base = target && typeof target === "object" && !Array.isArray(target) ? { ...(target as object) } : {};
  (base as Record<string, unknown>)[head] = setAt((base as Record<string, unknown>)[head], rest, value);
  return base;
}

/** The fuzz request arbitrary of one operation. */
export function requestArbitrary(
  doc: OpenApiDocument,
  op: Operation,
  known: Known,
  orgId: string,
): fc.Arbitrary<FuzzRequest> {
  const name = `${op.method} ${op.path}`;
  const pathParams = op.parameters.filter((p) => p.in === "path");
  const queryParams = op.parameters.filter((p) => p.in === "query");
  const headerNames = op.parameters.filter((p) => p.in === "header").map((p) => p.name.toLowerCase());
  const usesOrg = headerNames.includes("x-organization-id");
  const bodySchema = op.bodySchema ? resolve(doc, op.bodySchema) : undefined;
  const bodyProps = Object.keys(bodySchema?.properties ?? {});

  const pathValues = fc.record(
    Object.fromEntries(
      pathParams.map((p) => [p.name, validValue(doc, p.schema ?? { type: "string" }, known).map(String)]),
    ) as Record<string, fc.Arbitrary<string>>,
  );
  const queryValues = fc.record(
    Object.fromEntries(queryParams.map((p) => [p.name, validValue(doc, p.schema ?? { type: "string" }, known)])),
    { requiredKeys: queryParams.filter((p) => p.required).map((p) => p.name) },
  );
  const bodyValue: fc.Arbitrary<unknown> = bodySchema ? validValue(doc, bodySchema, known) : fc.constant(undefined);

  type Parts = {
    path: Record<string, string>;
    query: Record<string, unknown>;
    body: unknown;
    auth: FuzzRequest["auth"];
    orgHeader: string | null;
  };
  const parts: fc.Arbitrary<Parts> = fc.record({
    path: pathValues,
    query: queryValues,
    body: bodyValue,
    auth: fc.constantFrom<FuzzRequest["auth"]>(
      "user",
      "user",
      "user",
      "user",
      "user",
      "user",
      "user",
      "user",
      "none",
      "garbage",
    ),
    orgHeader: usesOrg ? fc.oneof({ weight: 9, arbitrary: fc.constant(orgId) }, fc.constant(null)) : fc.constant(null),
  });

  const toRequest = (p: Parts, kind: Kind, variant: string, raw?: { body?: string; contentType?: string }) => {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(p.query)) {
      if (v === undefined) continue;
      if (Array.isArray(v))
        for (const item of v) query.append(k, typeof item === "string" ? item : JSON.stringify(item));
      else query.append(k, typeof v === "string" ? v : JSON.stringify(v));
    }
    const qs = query.toString();
    const headers: Record<string, string> = {};
    if (p.orgHeader) headers["x-organization-id"] = p.orgHeader;
    let body: string | undefined;
    if (raw?.body !== undefined) body = raw.body;
    else if (op.bodyType === "json" && p.body !== undefined) body = JSON.stringify(p.body);
    else if (op.bodyType === "json" && op.bodyRequired) body = "{}";
    if (body !== undefined) headers["content-type"] = raw?.contentType ?? "application/json";
    const segments = Object.fromEntries(Object.entries(p.path).map(([k, v]) => [k, encodeURIComponent(v)]));
    return {
      kind,
      variant,
      operation: name,
      method: op.method,
      url: `${fillPath(op.path, segments)}${qs ? `?${qs}` : ""}`,
      headers,
      ...(body === undefined ? {} : { body }),
      auth: p.auth,
    } satisfies FuzzRequest;
  };

  const valid = parts.map((p) => toRequest(p, "valid", "schema values"));

  const boundaryTargets: { where: "body" | "query"; key: string; schema: JsonSchema }[] = [
    ...bodyProps.map((k) => ({ where: "body" as const, key: k, schema: bodySchema?.properties?.[k] ?? {} })),
    ...queryParams.map((q) => ({ where: "query" as const, key: q.name, schema: q.schema ?? {} })),
  ];
  const boundary =
    boundaryTargets.length === 0
      ? valid
      : fc.tuple(parts, fc.constantFrom(...boundaryTargets)).chain(([p, target]) =>
          boundaryValue(doc, target.schema).map((value) => {
            const next =
              target.where === "body"
                ? { ...p, body: setAt(p.body, [target.key], value) }
                : { ...p, query: { ...p.query, [target.key]: value } };
            return toRequest(next, "boundary", `limit at ${target.where} ${target.key}`);
          }),
        );

  const malformedOptions: fc.Arbitrary<FuzzRequest>[] = [];
  if (pathParams.length > 0) {
    malformedOptions.push(
      fc.tuple(parts, fc.constantFrom(...pathParams), fc.constantFrom(...BAD_IDS)).map(([p, param, bad]) => {
        const request = toRequest(p, "malformed", `bad path value ${param.name}`);
        // Inserted raw (not re-encoded) so encoded traversal sequences reach the router as sent.
        return { ...request, url: request.url.replace(encodeURIComponent(p.path[param.name] ?? ""), bad) };
      }),
    );
  }
  if (queryParams.length > 0) {
    malformedOptions.push(
      fc
        .tuple(parts, fc.constantFrom(...queryParams), fc.oneof(fc.constantFrom(...BAD_QUERY_VALUES), hostileString))
        .map(([p, param, bad]) =>
          toRequest({ ...p, query: { ...p.query, [param.name]: bad } }, "malformed", `bad query ${param.name}`),
        ),
    );
  }
  if (op.bodyType === "json") {
    const fields = bodyProps.length > 0 ? bodyProps : ["x"];
    malformedOptions.push(
      // Wrong type in one field.
      fc
        .tuple(parts, fc.constantFrom(...fields))
        .chain(([p, key]) =>
          wrongTypeFor(typesOf(resolve(doc, bodySchema?.properties?.[key] ?? {}))[0]).map((value) =>
            toRequest({ ...p, body: setAt(p.body, [key], value) }, "malformed", `wrong type at ${key}`),
          ),
        ),
      // Hostile strings (injection, unicode) in every string-ish field.
      fc.tuple(parts, hostileString).map(([p, text]) => {
        let body = p.body && typeof p.body === "object" ? { ...(p.body as object) } : {};
        for (const key of fields) body = setAt(body, [key], text) as object;
        return toRequest({ ...p, body }, "malformed", "hostile strings in every field");
      }),
      // Huge string (under the body limit).
      fc
        .tuple(parts, fc.constantFrom(...fields))
        .map(([p, key]) =>
          toRequest({ ...p, body: setAt(p.body, [key], "Z".repeat(900_000)) }, "malformed", `huge string at ${key}`),
        ),
      // Deep nesting inside a field.
      fc.tuple(parts, fc.constantFrom(...fields)).map(([p, key]) => {
        const body = JSON.stringify(setAt(p.body, [key], "__DEEP__")).replace(
          '"__DEEP__"',
          deepNesting(5_000, '{"n":', "}"),
        );
        return toRequest(p, "malformed", `deep nesting at ${key}`, { body });
      }),
      // Missing required fields / extra fields.
      parts.map((p) => toRequest({ ...p, body: {} }, "malformed", "every field missing")),
      parts.map((p) =>
        toRequest(
          { ...p, body: { ...(p.body as object), extraField: "surprise", isSuperuser: true, organizationId: "x" } },
          "malformed",
          "extra fields",
        ),
      ),
      // Broken or hostile JSON documents.
      fc.tuple(parts, MALFORMED_BODIES).map(([p, [variant, body]]) => toRequest(p, "malformed", variant, { body })),
      // Wrong content type for a JSON body.
      fc
        .tuple(parts, fc.constantFrom(...WRONG_CONTENT_TYPES))
        .map(([p, type]) =>
          toRequest(p, "malformed", `content-type ${type}`, { body: JSON.stringify(p.body ?? {}), contentType: type }),
        ),
    );
  }
  if (op.bodyType === "multipart") {
    malformedOptions.push(
      fc
        .tuple(
          parts,
          fc.constantFrom(
            [
              "multipart/form-data; boundary=b",
              '--b\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc\r\n--b--',
            ],
            ["multipart/form-data; boundary=b", "--b\r\nbroken"],
            ["multipart/form-data", "no boundary"],
            ["application/json", "{}"],
            ["text/plain", "just text"],
          ),
        )
        .map(([p, [type, body]]) => toRequest(p, "malformed", `upload ${type}`, { body, contentType: type })),
    );
  }
  // Malformed credentials and organization headers, for every operation.
  malformedOptions.push(
    fc
      .tuple(
        parts,
        fc.constantFrom(
          ["authorization", "Bearer "],
          ["authorization", "Basic YWRtaW46YWRtaW4="],
          ["authorization", `Bearer ${"a".repeat(10_000)}`],
          ["authorization", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."],
          ["x-organization-id", "not-a-uuid"],
          ["x-organization-id", "00000000-0000-4000-8000-000000000000"],
          ["x-organization-id", "' OR 1=1 --"],
          ["x-request-id", "x".repeat(500)],
          ["x-request-id", "id\twith\ttabs"],
        ),
      )
      .map(([p, [header, value]]) => {
        const request = toRequest(p, "malformed", `header ${header}`);
        return {
          ...request,
          headers: { ...request.headers, [header]: value },
          auth: header === "authorization" ? "none" : p.auth,
        };
      }),
  );
  const malformed = fc.oneof(...malformedOptions);
  return fc.oneof(
    { weight: 4, arbitrary: valid },
    { weight: 2, arbitrary: boundary },
    { weight: 4, arbitrary: malformed },
  );
}

/** `count` requests spread evenly over `ops`, reproducible from `seed`. */
export function generateRequests(
  doc: OpenApiDocument,
  ops: Operation[],
  known: Known,
  orgId: string,
  count: number,
  seed: number,
): FuzzRequest[] {
  const perOp = Math.ceil(count / ops.length);
  const out: FuzzRequest[] = [];
  ops.forEach((op, i) => {
    out.push(...fc.sample(requestArbitrary(doc, op, known, orgId), { seed: seed + i, numRuns: perOp }));
  });
  // Interleave operations so that one slow operation does not run all at once.
  const interleaved: FuzzRequest[] = [];
  for (let k = 0; k < perOp; k++) {
    for (let i = 0; i < ops.length; i++) {
      const r = out[i * perOp + k];
      if (r) interleaved.push(r);
    }
  }
  return interleaved.slice(0, Math.max(count, 0));
}
