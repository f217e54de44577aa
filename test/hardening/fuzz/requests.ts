import fc from 'fast-check';
import { fillPath, type JsonSchema, type OpenApiDocument, type Operation, resolve } from '../support/openapi';
import {
  anyString,
  courseKey,
  fieldValue,
  pathValue,
  realisticFieldValue,
  realisticPathValue,
  realisticText,
  sizes,
  type World,
} from './values';

/** A generated request, kept as plain data so a failure can print it and a test can replay it. */
export interface FuzzCase {
  operation: string;
  principal: string;
  method: string;
  /** Path and query, appended to the test origin as they are. */
  target: string;
  headers: [string, string][];
  body: BodySpec;
}

export type BodySpec =
  | { kind: 'none' }
  | { kind: 'text'; label: string; text: string }
  | { kind: 'bytes'; label: string; bytes: number[] }
  | { kind: 'sized'; label: string; size: number; stream: boolean }
  | { kind: 'form'; label: string; fields: [string, string][] }
  | { kind: 'multipart'; label: string; fields: [string, string][] };

export interface Principal {
  name: string;
  headers: Record<string, string>;
}

export interface Secrets {
  apiKey: string;
  /** Tokens that must never authenticate (alg none, other secret, expired, …). */
  badTokens: string[];
}

// ---- bodies ---------------------------------------------------------------------------------

const MAX_DEPTH = 4;

/**
 * Values of a JSON Schema. Hostile (default): field-name pools with hostile values, occasionally
 * of the wrong type, missing required keys or with extra keys — valid enough to reach the handler,
 * wrong enough to probe its validation. Realistic: what a well-behaved client of the world sends
 * (required keys present, world ids, right types), so write paths succeed and change state.
 */
export function fromSchema(
  document: OpenApiDocument,
  world: World,
  schema: JsonSchema | undefined,
  name = '',
  depth = 0,
  realistic = false,
): fc.Arbitrary<unknown> {
  const anyJson = realistic ? realisticText : fc.jsonValue({ maxDepth: 2 });
  const resolved = resolve(document, schema);
  const pooled = name ? (realistic ? realisticFieldValue(world, name) : fieldValue(world, name)) : undefined;
  const typed = (() => {
    if (!resolved || depth > MAX_DEPTH) return anyJson;
    if (resolved.enum?.length) return fc.constantFrom(...resolved.enum);
    if (resolved.const !== undefined) return fc.constant(resolved.const);
    const variants = resolved.anyOf ?? resolved.oneOf;
    if (variants?.length) {
      return fc.oneof(...variants.map((v) => fromSchema(document, world, v, name, depth + 1, realistic)));
    }
    if (resolved.allOf?.length) return fromSchema(document, world, resolved.allOf[0], name, depth + 1, realistic);
    const types = Array.isArray(resolved.type) ? resolved.type : resolved.type ? [resolved.type] : [];
    if (types.length === 0) return anyJson;
    return fc.oneof(...types.map((type) => ofType(document, world, resolved, type, depth, realistic)));
  })();
  if (realistic) return pooled ?? typed;
  return fc.oneof(
    { arbitrary: pooled ?? typed, weight: 8 },
    { arbitrary: typed, weight: 2 },
    { arbitrary: anyJson, weight: 1 },
  );
}

function ofType(
  document: OpenApiDocument,
  world: World,
  schema: JsonSchema,
  type: string,
  depth: number,
  realistic: boolean,
): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return realistic
        ? fc.integer({ min: Math.max(schema.minimum ?? 0, 0), max: Math.min(schema.maximum ?? 100, 100) })
        : fc.oneof(fc.integer({ min: schema.minimum ?? -10, max: schema.maximum ?? 1000 }), fc.integer());
    case 'number':
      return realistic
        ? fc.double({ min: schema.minimum ?? 0, max: schema.maximum ?? 100, noNaN: true })
        : fc.oneof(fc.double({ min: schema.minimum ?? -10, max: schema.maximum ?? 1000, noNaN: true }), fc.double());
    case 'string':
      if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.format === 'email') return fc.emailAddress();
      if (schema.format === 'uuid') return fc.uuid();
      if (realistic && schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
      return realistic ? realisticText : anyString;
    case 'array':
      return fc.array(fromSchema(document, world, schema.items, '', depth + 1, realistic), {
        minLength: realistic ? Math.min(schema.minItems ?? 1, 3) : 0,
        maxLength: realistic ? 3 : 5,
      });
    case 'object': {
      const properties = Object.entries(schema.properties ?? {});
      const required = new Set(schema.required ?? []);
      const nilFreq = (key: string) => (required.has(key) ? (realistic ? 1000 : 10) : 2);
      return fc
        .tuple(
          fc.tuple(
            ...properties.map(([key, sub]) =>
              fc.option(fromSchema(document, world, sub, key, depth + 1, realistic), {
                freq: nilFreq(key),
                nil: undefined,
              }),
            ),
          ),
          realistic ? fc.constant(null) : fc.option(fc.tuple(anyString, fc.jsonValue({ maxDepth: 1 })), { freq: 5 }),
        )
        .map(([values, extra]) => {
          const object: Record<string, unknown> = {};
          properties.forEach(([key], i) => {
            if (values[i] !== undefined) object[key] = values[i];
          });
          if (extra) object[extra[0]] = extra[1];
          return object;
        });
    }
    default:
      return realistic ? realisticText : fc.jsonValue({ maxDepth: 2 });
  }
}

/** Any value as form-field text (fast-check objects may have no prototype, so no String()). */
const asText = (value: unknown): string => {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return '';
  }
};

const flatFields = (value: unknown): [string, string][] => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [['value', asText(value)]];
  return Object.entries(value).flatMap(([key, v]) =>
    Array.isArray(v)
      ? v.map((item) => [key, asText(item)] as [string, string])
      : [[key, asText(v)] as [string, string]],
  );
};

const deepNesting = fc
  .tuple(fc.integer({ min: 50, max: 50_000 }), fc.constantFrom('[', '{"a":', '{"course_details":'))
  .map(([depth, open]): BodySpec => {
    const close = open === '[' ? ']' : '}';
    return { kind: 'text', label: `nesting ${depth} × ${open}`, text: `${open.repeat(depth)}1${close.repeat(depth)}` };
  });

const hugeArray = (document: OpenApiDocument, world: World, schema: JsonSchema | undefined) =>
  fc.tuple(fc.integer({ min: 10_000, max: 80_000 }), fromSchema(document, world, schema)).map(([n, base]): BodySpec => {
    const items = Array.from({ length: n }, (_, i) => (i % 2 ? i : `fz${i}@example.com`));
    const text =
      base && typeof base === 'object' && !Array.isArray(base)
        ? // The first array-ish field gets the huge list; else a new one.
          JSON.stringify({ ...base, identifiers: items, courses: items.slice(0, 200), modes: items.slice(0, 500) })
        : JSON.stringify(items);
    return { kind: 'text', label: `huge array × ${n}`, text };
  });

const INVALID_UTF8: number[][] = [
  [0xc3, 0x28],
  [0xa0, 0xa1],
  [0xe2, 0x28, 0xa1],
  [0xf0, 0x28, 0x8c, 0xbc],
  [0xed, 0xa0, 0x80],
  [0xff, 0xfe, 0xfd],
  [0xc0, 0xaf],
];

const invalidUtf8 = fc
  .tuple(fc.constantFrom(...INVALID_UTF8), fc.constantFrom('json', 'raw'), fc.uint8Array({ maxLength: 64 }))
  .map(([bad, shape, noise]): BodySpec => {
    const encoder = new TextEncoder();
    const bytes =
      shape === 'json'
        ? [...encoder.encode('{"course_details":{"course_id":"course-v1:a+b+'), ...bad, ...encoder.encode('"}}')]
        : [...bad, ...noise];
    return { kind: 'bytes', label: `invalid UTF-8 (${shape})`, bytes };
  });

const MALFORMED_JSON = [
  '{',
  '{"a":1,}',
  '[1,2,',
  '\uFEFF{"course_details":{}}',
  '{"a":NaN}',
  '{"a":Infinity}',
  '// comment\n{}',
  '{"a":1}{"b":2}',
  "{'a':1}",
  '{"a":"\\ud800"}',
  '{"a":1e999999}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"x":1}}}',
  '{"a":1,"a":2}',
  '\u0000',
  'null',
  'true',
  '"just a string"',
  '12345',
  '[]',
  '[{}]',
  '{}',
];

const csvBody = (world: World) =>
  fc
    .tuple(
      fc.constantFrom('identifier', 'email', 'username', 'Identifier', 'foo', '', '"identifier"', 'identifier,extra'),
      fc.array(fc.oneof(fc.constantFrom(...world.usernames, ...world.emails), anyString), { maxLength: 6 }),
      fc.constantFrom('\n', '\r\n', '\r'),
    )
    .map(([header, rows, eol]): BodySpec => ({ kind: 'text', label: 'csv', text: [header, ...rows].join(eol) }));

export function bodyFor(document: OpenApiDocument, world: World, operation: Operation): fc.Arbitrary<BodySpec> {
  const schema = operation.body.find((b) => b.type === 'application/json')?.schema ?? operation.body[0]?.schema;
  const schemaJson = fromSchema(document, world, schema);
  return fc.oneof(
    { arbitrary: fc.constant<BodySpec>({ kind: 'none' }), weight: 2 },
    {
      arbitrary: schemaJson.map(
        (v): BodySpec => ({ kind: 'text', label: 'schema JSON', text: JSON.stringify(v) ?? '' }),
      ),
      weight: 10,
    },
    {
      arbitrary: fc
        .jsonValue({ maxDepth: 4 })
        .map((v): BodySpec => ({ kind: 'text', label: 'random JSON', text: JSON.stringify(v) ?? 'null' })),
      weight: 2,
    },
    {
      arbitrary: fc
        .constantFrom(...MALFORMED_JSON)
        .map((text): BodySpec => ({ kind: 'text', label: 'odd JSON', text })),
      weight: 2,
    },
    { arbitrary: deepNesting, weight: 1 },
    { arbitrary: hugeArray(document, world, schema), weight: 1 },
    {
      arbitrary: fc
        .tuple(fc.constantFrom(sizes.MB + 1, sizes.MB + 1, sizes.MB, 4 * sizes.MB), fc.boolean())
        .map(([size, stream]): BodySpec => ({ kind: 'sized', label: `${size} bytes`, size, stream })),
      weight: 1,
    },
    { arbitrary: invalidUtf8, weight: 1 },
    {
      arbitrary: schemaJson.map((v): BodySpec => ({ kind: 'form', label: 'form', fields: flatFields(v) })),
      weight: 2,
    },
    {
      arbitrary: schemaJson.map((v): BodySpec => ({ kind: 'multipart', label: 'multipart', fields: flatFields(v) })),
      weight: 1,
    },
    { arbitrary: csvBody(world), weight: 1 },
  );
}

const naturalType = (body: BodySpec): string | null => {
  if (body.kind === 'none' || body.kind === 'multipart') return null; // fetch sets multipart's boundary
  if (body.kind === 'form') return 'application/x-www-form-urlencoded';
  if (body.kind === 'text' && body.label === 'csv') return 'text/csv';
  return 'application/json';
};

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json;charset=UTF-16',
  'APPLICATION/JSON',
  'application/merge-patch+json',
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=iso-8859-1',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'multipart/form-data; boundary=xyz',
  'text/csv',
  'text/csv; charset=utf-16',
  'application/xml',
  'application/octet-stream',
  '*/*',
  'garbage',
  ';;;',
];

// ---- headers --------------------------------------------------------------------------------

const ascii = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 60,
});
const b64url = fc.string({
  unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('')),
  maxLength: 80,
});
const garbageToken = (secrets: Secrets) =>
  fc.oneof(
    fc.tuple(b64url, b64url, b64url).map((parts) => parts.join('.')),
    fc.constantFrom(...secrets.badTokens),
    fc.constantFrom('a.b.c', '', '....', 'eyJhbGciOiJub25lIn0.e30.', 'e30.e30.e30', `${'A'.repeat(9000)}.B.C`),
    ascii,
  );

type HeaderList = [string, string][];

/** Mutations of the principal's headers: duplicate or odd credentials, garbage tokens, keys. */
const credentialMutation = (secrets: Secrets) =>
  fc.oneof(
    { arbitrary: fc.constant((h: HeaderList) => h), weight: 24 },
    {
      arbitrary: fc.constant((h: HeaderList) => {
        const auth = h.find(([n]) => n === 'Authorization');
        return auth ? [...h, auth] : h;
      }),
      weight: 1,
    },
    {
      arbitrary: fc
        .constantFrom('JWT', 'Bearer', 'jwt', 'Basic', 'Token', 'JWT JWT', 'Bearer JWT', '', 'JWT\t')
        .map((prefix) => (h: HeaderList) => {
          const auth = h.find(([n]) => n === 'Authorization');
          const token = auth?.[1].replace(/^\S+\s+/, '') ?? 'x.y.z';
          return [
            ...h.filter(([n]) => n !== 'Authorization'),
            ['Authorization', `${prefix} ${token}`] as [string, string],
          ];
        }),
      weight: 1,
    },
    {
      arbitrary: fc
        .tuple(fc.constantFrom('JWT', 'Bearer'), garbageToken(secrets), fc.boolean())
        .map(([prefix, token, keep]) => (h: HeaderList) => [
          ...h.filter(([n]) => keep || n !== 'Authorization'),
          ['Authorization', `${prefix} ${token}`] as [string, string],
        ]),
      weight: 2,
    },
    {
      arbitrary: fc
        .constantFrom(
          secrets.apiKey,
          `${secrets.apiKey.slice(0, -1)}X`,
          secrets.apiKey.toUpperCase(),
          '',
          `${secrets.apiKey},${secrets.apiKey}`,
        )
        .map((key) => (h: HeaderList) => [...h, ['X-Edx-Api-Key', key] as [string, string]]),
      weight: 2,
    },
  );

const extraHeaders = fc.array(
  fc.oneof(
    fc.tuple(fc.constant('X-Request-Id'), fc.oneof(ascii, fc.constant('r'.repeat(300)))),
    fc.tuple(fc.constant('CF-IPCountry'), fc.oneof(fc.constantFrom('IR', 'US', 'XX', 'T1', ''), ascii)),
    fc.tuple(fc.constant('CF-Connecting-IP'), fc.oneof(fc.ipV4(), fc.ipV6(), ascii)),
    fc.tuple(fc.constant('Accept'), fc.constantFrom('application/json', 'text/html', '*/*', 'image/png')),
    fc.tuple(fc.constant('X-HTTP-Method-Override'), fc.constantFrom('DELETE', 'PUT', 'GET')),
    fc.tuple(fc.constant('Accept-Language'), fc.constantFrom('fr', 'zz', '*', 'en-US,en;q=0.5')),
  ),
  { maxLength: 3 },
);

// ---- the whole request ------------------------------------------------------------------------

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

function queryFor(world: World, operation: Operation): fc.Arbitrary<string> {
  const documented = operation.queryParams.map(({ name }) =>
    fc.option(
      fc.tuple(fc.constant(name), fieldValue(world, name) ?? anyString, fc.boolean()).map(([n, v, raw]) => {
        const text = typeof v === 'string' ? v : JSON.stringify(v);
        return `${n}=${raw ? text : encodeURIComponent(text)}`;
      }),
      { freq: 2 },
    ),
  );
  const extra = fc.option(
    fc.oneof(
      fc.constantFrom('%E0%A4%A=1', 'a=%', '&&&', '=', 'cursor=%zz', 'user=a&user=b', `q=${'x'.repeat(5000)}`),
      fc.tuple(anyString, anyString).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`),
      courseKey(world, false).map((c) => `course_id=${c}`),
    ),
    { freq: 3 },
  );
  return fc.tuple(fc.tuple(...documented), extra).map(([pairs, more]) => {
    const parts = [...pairs, more].filter((p): p is string => typeof p === 'string');
    return parts.length ? `?${parts.join('&')}` : '';
  });
}

/** Half the cases are hostile, half what a well-behaved client sends (so write paths run too). */
export function caseFor(
  document: OpenApiDocument,
  world: World,
  operation: Operation,
  principals: Principal[],
  secrets: Secrets,
): fc.Arbitrary<FuzzCase> {
  return fc.oneof(
    hostileCase(document, world, operation, principals, secrets),
    realisticCase(document, world, operation, principals),
  );
}

function realisticCase(
  document: OpenApiDocument,
  world: World,
  operation: Operation,
  principals: Principal[],
): fc.Arbitrary<FuzzCase> {
  const takesKey = operation.security.some((r) => 'ApiKey' in r);
  const weights: Record<string, number> = { 'global staff': 3, 'API key': takesKey ? 2 : 0, learner: 1 };
  const callers = principals.filter((p) => (weights[p.name] ?? 0) > 0);
  const params = fc.record(
    Object.fromEntries(operation.pathParams.map((name) => [name, realisticPathValue(world, name)])),
  );
  const query = fc
    .tuple(
      ...operation.queryParams.map(({ name }) =>
        fc.option(
          (realisticFieldValue(world, name) ?? realisticText).map((v) =>
            v === undefined || v === null ? undefined : `${name}=${encodeURIComponent(String(v))}`,
          ),
          { freq: 2 },
        ),
      ),
    )
    .map((pairs) => {
      const parts = pairs.filter((p): p is string => typeof p === 'string');
      return parts.length ? `?${parts.join('&')}` : '';
    });
  const json = operation.body.find((b) => b.type === 'application/json');
  const form = operation.body.find((b) => b.type === 'application/x-www-form-urlencoded');
  const body: fc.Arbitrary<BodySpec> = json
    ? fc.oneof(
        {
          arbitrary: fromSchema(document, world, json.schema, '', 0, true).map(
            (v): BodySpec => ({ kind: 'text', label: 'realistic JSON', text: JSON.stringify(v) ?? '' }),
          ),
          weight: 4,
        },
        {
          arbitrary: form
            ? fromSchema(document, world, form.schema, '', 0, true).map(
                (v): BodySpec => ({ kind: 'form', label: 'realistic form', fields: flatFields(v) }),
              )
            : fc.constant<BodySpec>({ kind: 'none' }),
          weight: form ? 1 : 0,
        },
      )
    : fc.constant<BodySpec>({ kind: 'none' });
  return fc
    .record({
      principal: fc.oneof(...callers.map((p) => ({ arbitrary: fc.constant(p), weight: weights[p.name] ?? 1 }))),
      params,
      trailingSlash: fc.boolean(),
      query,
      body,
    })
    .map(({ principal, params, trailingSlash, query, body }) => {
      const path = fillPath(operation.path, params as Record<string, string>) + (trailingSlash ? '/' : '');
      const headers: HeaderList = Object.entries(principal.headers);
      const type = naturalType(body);
      if (type) headers.push(['Content-Type', type]);
      return {
        operation: operation.key,
        principal: principal.name,
        method: operation.method,
        target: path + query,
        headers,
        body,
      };
    });
}

function hostileCase(
  document: OpenApiDocument,
  world: World,
  operation: Operation,
  principals: Principal[],
  secrets: Secrets,
): fc.Arbitrary<FuzzCase> {
  const params = fc.record(Object.fromEntries(operation.pathParams.map((name) => [name, pathValue(world, name)])));
  return fc
    .record({
      // Mostly authenticated callers, so the fuzz reaches the handlers and not just the 401s.
      principal: fc.oneof(
        ...principals.map((p) => ({ arbitrary: fc.constant(p), weight: p.name === 'anonymous' ? 1 : 3 })),
      ),
      method: fc.oneof(
        { arbitrary: fc.constant(operation.method), weight: 8 },
        { arbitrary: fc.constantFrom(...METHODS), weight: 2 },
      ),
      params,
      trailingSlash: fc.boolean(),
      query: queryFor(world, operation),
      body: bodyFor(document, world, operation),
      contentType: fc.oneof(
        { arbitrary: fc.constant<string | null | 'natural'>('natural'), weight: 6 },
        { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 3 },
        { arbitrary: fc.constant(null), weight: 1 },
      ),
      mutate: credentialMutation(secrets),
      extra: extraHeaders,
    })
    .map(({ principal, method, params, trailingSlash, query, body, contentType, mutate, extra }) => {
      const path = fillPath(operation.path, params as Record<string, string>) + (trailingSlash ? '/' : '');
      const withBody = method !== 'GET' && method !== 'HEAD' ? body : ({ kind: 'none' } as BodySpec);
      const headers: HeaderList = mutate(Object.entries(principal.headers));
      const type = contentType === 'natural' ? naturalType(withBody) : contentType;
      if (type && withBody.kind !== 'multipart') headers.push(['Content-Type', type]);
      headers.push(...extra);
      return {
        operation: operation.key,
        principal: principal.name,
        method,
        target: path + query,
        headers,
        body: withBody,
      };
    });
}

// ---- turning a case into a Request ------------------------------------------------------------

function sizedBody(size: number, stream: boolean): BodyInit {
  const chunk = new TextEncoder().encode('{"identifiers":"'.padEnd(64 * 1024, 'a'));
  if (!stream) {
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i += chunk.length) bytes.set(chunk.subarray(0, Math.min(chunk.length, size - i)), i);
    return bytes;
  }
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close();
      const part = chunk.subarray(0, Math.min(chunk.length, size - sent));
      sent += part.length;
      controller.enqueue(part.slice());
    },
  });
}

/** The Request of a case, or null when the platform itself refuses to build it (not the Worker's concern). */
export function toRequest(origin: string, c: FuzzCase): Request | null {
  try {
    const headers = new Headers();
    for (const [name, value] of c.headers) {
      try {
        headers.append(name, value);
      } catch {
        // Not a valid header value (fetch refuses it before any server could see it).
      }
    }
    let body: BodyInit | undefined;
    switch (c.body.kind) {
      case 'text':
        body = c.body.text;
        break;
      case 'bytes':
        body = new Uint8Array(c.body.bytes);
        break;
      case 'sized':
        body = sizedBody(c.body.size, c.body.stream);
        break;
      case 'form':
        body = new URLSearchParams(c.body.fields).toString();
        break;
      case 'multipart': {
        const form = new FormData();
        for (const [k, v] of c.body.fields) form.append(k, v);
        body = form;
        break;
      }
    }
    return new Request(`${origin}${c.target}`, { method: c.method, headers, body });
  } catch {
    return null;
  }
}

/** A compact, replayable description of a case (bodies shortened). */
export function describeCase(c: FuzzCase): string {
  const body =
    c.body.kind === 'none'
      ? ''
      : c.body.kind === 'text'
        ? ` body(${c.body.label}, ${c.body.text.length} chars)=${JSON.stringify(c.body.text.slice(0, 300))}`
        : c.body.kind === 'bytes'
          ? ` body(${c.body.label})=[${c.body.bytes.slice(0, 80).join(',')}]`
          : c.body.kind === 'sized'
            ? ` body(${c.body.label}${c.body.stream ? ', streamed' : ''})`
            : ` body(${c.body.label})=${JSON.stringify(c.body.fields).slice(0, 300)}`;
  const headers = c.headers
    .map(([n, v]) => `${n}: ${n === 'Authorization' && v.length > 40 ? `${v.slice(0, 30)}…` : v.slice(0, 120)}`)
    .join(' | ');
  return `${c.method} ${c.target.slice(0, 400)} as ${c.principal} [${headers}]${body}`;
}
