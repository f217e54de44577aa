import { type OpenAPIHono, type RouteConfig, z } from '@hono/zod-openapi';
import type { Context, Env, MiddlewareHandler } from 'hono';
import { type FORM_TYPES, isFormType, mediaType, readBody, UnreadableBody } from './body';
import { BOOKMARK_PARAMETER_REF, withBookmarkHeader } from './d1-bookmark';
import { type SharedResponse, withCsrfFailure } from './error-responses';
import type { InputIssue, InputSource, InputStyle } from './input-styles';

/**
 * One declaration per endpoint: it documents the operation in `/openapi.json` and mounts the
 * handler behind the same schemas, so what is documented is what is validated.
 *
 * @example
 * route(r, {
 *   method: 'post',
 *   path: '/courses/{course_id}/cohorts', // OpenAPI form; the Hono pattern is derived unless `pattern` is set
 *   pattern: `/courses/${COURSE_ID_PARAM}/cohorts`,
 *   summary: 'Create a cohort',
 *   tags: ['Cohorts'],
 *   security: SECURITY.jwtOrApiKey,
 *   middleware: [authenticate(), requirePermission(isGlobalStaff), throttle()], // before validation, in order
 *   request: { params: CohortParams, body: { schema: CohortBody } },
 *   responses: { 200: jsonContent(Cohort, 'The new cohort'), ...errorResponses('detail', 401, 403) },
 *   input: serviceStyle, // how a refusal looks: the endpoint's upstream 400 shape (lib/input-styles.ts)
 *   handler: async (c, { params, body }) => c.json(await createCohort(c.get('deps'), params.course_id, body)),
 * });
 *
 * The handler gets each part as its schema's output. A body is JSON unless `media` lists form types;
 * `readers` add other media types (CSV); `empty` is what a blank body stands for (default `{}`).
 */

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Schema = z.ZodType;
type ParamSchema = NonNullable<NonNullable<RouteConfig['request']>['params']>;

export type SecurityRequirement = Record<string, string[]>;
/** The JWT split over the browser's two cookies, read when `USE-JWT-COOKIE` is sent: all three together. */
const JWT_COOKIES: SecurityRequirement = { JwtCookie: [], JwtCookieSignature: [], UseJwtCookie: [] };
export const SECURITY: Record<'jwt' | 'apiKey' | 'jwtOrApiKey' | 'anonymous', SecurityRequirement[]> = {
  // Wherever a JWT is accepted in `Authorization`, the cookie pair is too (auth/jwt-cookies.ts).
  jwt: [{ JwtAuth: [] }, JWT_COOKIES],
  apiKey: [{ ApiKey: [] }],
  jwtOrApiKey: [{ JwtAuth: [] }, JWT_COOKIES, { ApiKey: [] }],
  /** What a route that names no requirement gets: callable without credentials. */
  anonymous: [{}],
};

/** Media types read straight into the body schema: JSON, and form fields (DRF's parsers). */
export type FieldMediaType = 'application/json' | (typeof FORM_TYPES)[number];

export interface BodySpec<B extends Schema> {
  /** Validates the fields of every media type below. */
  schema: B;
  /** Documented media types whose fields `schema` validates directly (default: JSON only). */
  media?: readonly FieldMediaType[];
  /** Other media types, documented with their own schema, whose `read` turns the request into fields. */
  readers?: Record<string, { schema: Schema; read: (c: Context) => Promise<unknown> }>;
  required?: boolean;
  description?: string;
  /** What an empty body stands for (default `{}`, DRF's `request.data`). */
  empty?: unknown;
}

type Out<S, Fallback> = S extends Schema ? z.output<S> : Fallback;

/** What the handler gets: each part as its schema's output (raw strings where none is declared). */
export interface RouteInput<P, Q, B> {
  params: Out<P, Record<string, string>>;
  query: Out<Q, Record<string, string>>;
  body: Out<B, undefined>;
}

export interface RouteSpec<E extends Env, P extends ParamSchema | undefined, Q extends ParamSchema | undefined, B> {
  method: Method | readonly Method[];
  /** The OpenAPI path, `{param}` form, relative to the router. */
  path: string;
  /** The Hono pattern when it is not `path` with `{x}` → `:x` (a course id spanning segments). */
  pattern?: string;
  /** Further documented paths the pattern serves, each with its summary and documented parameters. */
  alsoServes?: readonly { path: string; summary: string; params: ParamSchema }[];
  /** The path parameters `request.params` validates when the pattern names them differently. */
  pathParams?: (c: Context<E>) => Record<string, string>;
  summary: string;
  description?: string;
  tags: string[];
  security: SecurityRequirement[];
  /** Runs before validation, in this order (authentication, permission, throttle). */
  middleware?: readonly MiddlewareHandler<E>[];
  request?: { params?: P; query?: Q; body?: B extends Schema ? BodySpec<B> : never };
  responses: RouteConfig['responses'];
  /** `false` for an operation that never queries D1: no `x-d1-bookmark` documented on it. */
  usesD1?: false;
  /** How input is refused: the endpoint's own 400 shape. */
  input: InputStyle;
  handler: (c: Context<E>, input: RouteInput<P, Q, B>) => Response | Promise<Response>;
}

const WRITES = new Set<Method>(['post', 'put', 'patch', 'delete']);

/**
 * A write's guard, after the route's own middleware (so after authentication) and before its input
 * is read: the request's `writeGuard` variable when the app set one — the Idempotency-Key check.
 * openapi.ts documents its header and answers on every write.
 */
const writeGuard: MiddlewareHandler = (c, next) => {
  const guard = c.get('writeGuard' as never) as MiddlewareHandler | undefined;
  return guard ? guard(c, next) : next();
};

type AnySpec = RouteSpec<Env, ParamSchema | undefined, ParamSchema | undefined, Schema | undefined>;

/** Declares, documents and mounts one endpoint (see the example above). */
export function route<
  E extends Env,
  P extends ParamSchema | undefined = undefined,
  Q extends ParamSchema | undefined = undefined,
  B extends Schema | undefined = undefined,
>(router: OpenAPIHono<E>, spec: RouteSpec<E, P, Q, B>): void {
  const any = spec as unknown as AnySpec;
  const methods: readonly Method[] = typeof spec.method === 'string' ? [spec.method] : spec.method;
  for (const method of methods) {
    router.openAPIRegistry.registerPath(operation(any, method));
    for (const { path, summary, params } of spec.alsoServes ?? []) {
      const documented = operation(any, method);
      router.openAPIRegistry.registerPath({ ...documented, path, summary, request: { ...documented.request, params } });
    }
  }
  const pattern = spec.pattern ?? spec.path.replaceAll(/\{([^}]+)\}/g, ':$1');
  const body = any.request?.body;
  // Without a body nothing is awaited before the handler (the cached course details answer so).
  // Not isolate state to reset between test files: it only remembers what validation answers anyway.
  const memo = spec.pathParams ? null : new Map<string, unknown>();
  const handler = body
    ? async (c: Context<E>) =>
        spec.handler(c, validate(c, any, await requestBody(c as never, body, spec.input)) as never)
    : (c: Context<E>) => spec.handler(c, (memo ? validateByUrl(c, any, memo) : validate(c, any, undefined)) as never);
  const guard = methods.some((m) => WRITES.has(m)) ? [writeGuard] : [];
  const handlers = [...(spec.middleware ?? []), ...guard, handler] as MiddlewareHandler<E>[];
  (router.on as (methods: string[], path: string, ...handlers: MiddlewareHandler<E>[]) => unknown)(
    methods.map((m) => m.toUpperCase()),
    pattern,
    ...handlers,
  );
}

/** Documents the CSRF header, and its 403, on writes a browser may make with the JWT cookies. */
const CsrfHeader = z.object({
  'X-CSRFToken': z.string().optional().openapi({
    description:
      'Required when the call is authenticated with the JWT cookies: the token from `GET /csrf/api/v1/token`, equal to the CSRF cookie.',
  }),
});

function operation(spec: AnySpec, method: Method): RouteConfig {
  const { params, query, body } = spec.request ?? {};
  const request: NonNullable<RouteConfig['request']> = {};
  if (params) request.params = params;
  if (query) request.query = query;
  if (body) request.body = { description: body.description, required: body.required, content: bodyContent(body) };
  let responses = spec.responses;
  if (method !== 'get' && spec.security.includes(JWT_COOKIES)) {
    request.headers = CsrfHeader;
    responses = { ...responses, 403: withCsrfFailure(responses[403] as SharedResponse | undefined) };
  }
  return {
    method,
    path: spec.path,
    summary: spec.summary,
    description: spec.description,
    tags: spec.tags,
    security: spec.security,
    request,
    ...(spec.usesD1 === false ? { responses } : withBookmark(responses)),
  };
}

/** The `x-d1-bookmark` request and response headers of an operation that queries D1. */
function withBookmark(responses: RouteConfig['responses']) {
  const documented: RouteConfig['responses'] = {};
  for (const [status, response] of Object.entries(responses)) {
    documented[status] = '$ref' in response ? response : withBookmarkHeader(response, status);
  }
  return { parameters: [BOOKMARK_PARAMETER_REF], responses: documented };
}

function bodyContent(body: BodySpec<Schema>) {
  const content: Record<string, { schema: Schema }> = {};
  for (const type of body.media ?? ['application/json']) content[type] = { schema: body.schema };
  for (const [type, reader] of Object.entries(body.readers ?? {})) content[type] = { schema: reader.schema };
  return content;
}

/** Params, query and body through their schemas; every issue of all three refused at once. */
function validate(c: Context, spec: AnySpec, rawBody: unknown) {
  const style = spec.input;
  const issues: InputIssue[] = [];
  const parse = (source: InputSource, schema: Schema, value: unknown) => {
    const result = schema.safeParse(value, { error: style.errorMap, reportInput: true });
    if (result.success) return result.data;
    for (const issue of result.error.issues) issues.push({ ...issue, in: source });
    return undefined;
  };
  const { params, query, body } = spec.request ?? {};
  const rawParams = spec.pathParams ? spec.pathParams(c) : c.req.param();
  const input = {
    params: params ? parse('params', params, rawParams) : rawParams,
    query: query ? parse('query', query, c.req.query()) : c.req.query(),
    body: body ? parse('body', body.schema, rawBody) : undefined,
  };
  if (issues.length > 0) throw style.invalid(issues);
  return input;
}

/** How many URLs a body-less route keeps the validated input of (then it starts over). */
const VALIDATED_URLS = 256;

/**
 * A body-less request's input depends on its URL only (its path parameters and query; a route with
 * `pathParams` may read more, and is not memoised): the hot reads — the public course details above
 * all — validate a URL once per isolate. Only accepted input is kept; handlers never change it.
 */
function validateByUrl(c: Context, spec: AnySpec, memo: Map<string, unknown>) {
  const url = c.req.url;
  const known = memo.get(url);
  if (known !== undefined) return known;
  const input = validate(c, spec, undefined);
  if (memo.size >= VALIDATED_URLS) memo.clear();
  memo.set(url, input);
  return input;
}

async function requestBody(c: Context, body: BodySpec<Schema>, style: InputStyle): Promise<unknown> {
  const reader = body.readers?.[mediaType(c.req.header('Content-Type'))];
  if (reader) return reader.read(c);
  const form = (body.media ?? []).some(isFormType);
  try {
    return await readBody(c, { form, empty: 'empty' in body ? body.empty : {} });
  } catch (error) {
    if (error instanceof UnreadableBody) throw style.unreadable(error.fault);
    throw error;
  }
}
