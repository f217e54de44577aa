import { call } from '../../helpers/request';

/** A JSON Schema node of the OpenAPI 3.1 document (only what the generators read). */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  example?: unknown;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

interface OperationObject {
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: 'path' | 'query' | 'header'; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, unknown>;
}

/** One documented operation: what the fuzz and the authorization matrix iterate over. */
export interface Operation {
  /** `GET /api/enrollment/v1/course/{course_id}`: the key the matrix table uses. */
  key: string;
  method: string;
  /** Path template as documented (`{name}` placeholders). */
  path: string;
  operationId: string;
  pathParams: string[];
  queryParams: { name: string; schema?: JsonSchema }[];
  /** Media types of the request body with their schemas (empty when the operation takes none). */
  body: { type: string; schema?: JsonSchema }[];
  security: Record<string, string[]>[];
  statuses: string[];
}

export const operationKey = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

/** The Worker's own `/openapi.json` (never a copy), parsed into operations. */
export async function loadOperations(): Promise<{ document: OpenApiDocument; operations: Operation[] }> {
  const res = await call('/openapi.json');
  if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
  const document = res.body as OpenApiDocument;
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params = op.parameters ?? [];
      operations.push({
        key: operationKey(method, path),
        method: method.toUpperCase(),
        path,
        operationId: op.operationId ?? operationKey(method, path),
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string),
        queryParams: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        body: Object.entries(op.requestBody?.content ?? {}).map(([type, media]) => ({ type, schema: media.schema })),
        security: op.security ?? [],
        statuses: Object.keys(op.responses ?? {}),
      });
    }
  }
  return { document, operations };
}

/** Resolves a local `$ref` (`#/components/schemas/X`). */
export function resolve(document: OpenApiDocument, schema: JsonSchema | undefined): JsonSchema | undefined {
  let current = schema;
  for (let depth = 0; current?.$ref && depth < 20; depth++) {
    const name = current.$ref.replace('#/components/schemas/', '');
    current = document.components?.schemas?.[name];
  }
  return current;
}

/** The path with each `{name}` replaced by `values[name]` (inserted as given: raw, escapes kept). */
export const fillPath = (template: string, values: Record<string, string>) =>
  template.replace(/\{([^}]+)\}/g, (_, name: string) => values[name] ?? '');
