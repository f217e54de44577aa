import { createRoute } from '@hono/zod-openapi';
import { jsonContent } from '../lib/http';
import { createRouter, document, SECURITY } from '../openapi';
import { ProgramBody, ProgramParams, ProgramResource } from './programs-catalog.schemas';
import { putProgram } from './programs-catalog.service';
import { DeveloperError } from './provisioning.schemas';
import { allValid, check, readJson, serviceOnly } from './request';

/** Catalog programs pushed by course discovery (program-enrollments.md §1.1). */
export const programCatalogRoutes = createRouter();

programCatalogRoutes.put('/programs/:program_uuid', serviceOnly(), async (c) => {
  const [params, body] = allValid(check(ProgramParams, c.req.param()), check(ProgramBody, await readJson(c)));
  const { created, program } = await putProgram(c.get('deps'), params.program_uuid, body);
  return c.json(program, created ? 201 : 200);
});
document(
  programCatalogRoutes,
  createRoute({
    method: 'put',
    path: '/programs/{program_uuid}',
    tags: ['Provisioning: programs'],
    summary: 'Create or replace a catalog program (curricula, course runs, authoring organizations)',
    description:
      'The UUID is stored canonically (lower-case, hyphenated). The first authoring organization owns the program; the first curriculum with `is_active: true` is its active curriculum.',
    security: SECURITY.jwtOrApiKey,
    request: {
      params: ProgramParams,
      body: { content: { 'application/json': { schema: ProgramBody } }, required: true },
    },
    responses: {
      200: jsonContent(ProgramResource, 'Replaced'),
      201: jsonContent(ProgramResource, 'Created'),
      400: jsonContent(DeveloperError, 'Invalid field(s), each named in `field_errors`'),
      401: jsonContent(DeveloperError, 'No credentials'),
      403: jsonContent(DeveloperError, 'Neither the API key nor global staff'),
    },
  }),
);
