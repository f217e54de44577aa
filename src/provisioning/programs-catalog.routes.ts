import { jsonContent } from '../lib/http';
import { serviceStyle } from '../lib/input-styles';
import { route } from '../lib/route';
import { createRouter } from '../openapi';
import { ProgramBody, ProgramParams, ProgramResource } from './programs-catalog.schemas';
import { putProgram } from './programs-catalog.service';
import { INVALID_REQUEST, jsonBody } from './provisioning.schemas';
import { ACCESS_ERRORS, serviceOnly } from './service-guards';

/** Catalog programs pushed by course discovery (docs/api/provisioning.md#catalog-programs). */
export const programCatalogRoutes = createRouter();

route(programCatalogRoutes, {
  tags: ['Provisioning: programs'],
  ...serviceOnly(),
  input: serviceStyle,
  method: 'put',
  path: '/programs/{program_uuid}',
  summary: 'Create or replace a catalog program (curricula, course runs, authoring organizations)',
  description:
    'The UUID is stored canonically (lower-case, hyphenated). The first authoring organization owns the program; the first curriculum with `is_active: true` is its active curriculum.',
  request: { params: ProgramParams, body: jsonBody(ProgramBody) },
  responses: {
    200: jsonContent(ProgramResource, 'Replaced'),
    201: jsonContent(ProgramResource, 'Created'),
    400: INVALID_REQUEST,
    ...ACCESS_ERRORS,
  },
  handler: async (c, { params, body }) => {
    const { created, program } = await putProgram(c.get('deps'), params.program_uuid, body);
    return c.json(program, created ? 201 : 200);
  },
});
