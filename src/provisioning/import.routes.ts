import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context';
import { mediaType } from '../lib/body';
import { ServiceError } from '../lib/error-responses';
import { developerError } from '../lib/errors';
import { jsonContent } from '../lib/http';
import { serviceStyle } from '../lib/input-styles';
import { type NdjsonLine, splitNdjson } from '../lib/ndjson';
import { route } from '../lib/route';
import { createRouter } from '../openapi';
import {
  ENROLLMENTS_NDJSON,
  ImportQuery,
  ImportResult,
  MAX_IMPORT_LINES,
  NDJSON,
  USERS_NDJSON,
} from './import.schemas';
import { importEnrollments, importUsers } from './import.service';
import { INVALID_REQUEST } from './provisioning.schemas';
import { ACCESS_ERRORS, serviceOnly } from './service-guards';

/** Onboarding an existing installation (docs/api/import.md): NDJSON in, counts and per-line errors out. */
export const importRoutes = createRouter();

const tooManyLines = (count: number) =>
  developerError(413, 'too_many_lines', `At most ${MAX_IMPORT_LINES} lines per call; this body has ${count}.`);

const notNdjson = (type: string) =>
  developerError(
    415,
    'unsupported_media_type',
    `Send the lines as ${NDJSON} (one JSON object per line)${type ? `, not ${type.slice(0, 100)}` : ''}.`,
  );

/** Refuses any other body type before the body is read (after authentication: no leak to strangers). */
const ndjsonOnly = createMiddleware<AppEnv>(async function ndjsonOnly(c, next) {
  const type = mediaType(c.req.header('Content-Type'));
  if (type !== NDJSON) throw notNdjson(type);
  await next();
});

async function readLines(c: Context): Promise<{ lines: NdjsonLine[] }> {
  // Decoded by hand: workerd warns when `.text()` reads a body whose type is not text/*.
  const body = splitNdjson(new TextDecoder().decode(await c.req.arrayBuffer()), MAX_IMPORT_LINES);
  if ('tooMany' in body) throw tooManyLines(body.tooMany);
  return body;
}

/** The lines as read (each is validated on its own by the service, so one bad line refuses only itself). */
const Lines = z.object({ lines: z.array(z.custom<NdjsonLine>()) });

const common = {
  tags: ['Provisioning: import'],
  ...serviceOnly(),
  middleware: [...serviceOnly().middleware, ndjsonOnly],
  input: serviceStyle,
  method: 'post' as const,
};

const responses = (what: string) => ({
  200: jsonContent(ImportResult, `Counts of ${what} created, updated and unchanged; the refused lines`),
  400: { ...INVALID_REQUEST, description: 'Invalid `emit_events`' },
  ...ACCESS_ERRORS,
  413: jsonContent(ServiceError, `More than ${MAX_IMPORT_LINES} lines (nothing applied), or a body over 1 MiB`, {
    error_code: 'too_many_lines',
    developer_message: `At most ${MAX_IMPORT_LINES} lines per call; this body has 5001.`,
  }),
  415: jsonContent(ServiceError, `Not ${NDJSON}`, {
    error_code: 'unsupported_media_type',
    developer_message: `Send the lines as ${NDJSON} (one JSON object per line), not application/json.`,
  }),
});

route(importRoutes, {
  ...common,
  path: '/import/users',
  summary: 'Import users (NDJSON, up to 5,000 per call)',
  request: { body: { schema: Lines, media: [], readers: { [NDJSON]: { schema: USERS_NDJSON, read: readLines } } } },
  responses: responses('users'),
  handler: async (c, { body }) => c.json(await importUsers(c.get('deps'), body.lines)),
});

route(importRoutes, {
  ...common,
  path: '/import/enrollments',
  summary: 'Import enrollments with their original dates (NDJSON, up to 5,000 per call)',
  request: {
    query: ImportQuery,
    body: { schema: Lines, media: [], readers: { [NDJSON]: { schema: ENROLLMENTS_NDJSON, read: readLines } } },
  },
  responses: responses('enrollments'),
  handler: async (c, { query, body }) => c.json(await importEnrollments(c.get('deps'), body.lines, query.emit_events)),
});
