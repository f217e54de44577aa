import { createRoute } from '@hono/zod-openapi';
import { jsonContent } from '../lib/http';
import { createRouter, document, SECURITY } from '../openapi';
import {
  ExternalIdBody,
  ExternalIdParams,
  ExternalIdResource,
  OrganizationBody,
  OrganizationParams,
  OrganizationResource,
} from './programs-catalog.schemas';
import { putExternalId, putOrganization } from './programs-catalog.service';
import { DeveloperError } from './provisioning.schemas';
import { allValid, check, readJson, serviceOnly } from './request';

/** Organizations with their SSO provider, and users' SSO links (program-enrollments.md §1.2, §7). */
export const organizationRoutes = createRouter();

const errors = {
  400: jsonContent(DeveloperError, 'Invalid field(s), each named in `field_errors`'),
  401: jsonContent(DeveloperError, 'No credentials'),
  403: jsonContent(DeveloperError, 'Neither the API key nor global staff'),
};
const tags = ['Provisioning: programs'];

organizationRoutes.put('/organizations/:short_name', serviceOnly(), async (c) => {
  const [params, body] = allValid(check(OrganizationParams, c.req.param()), check(OrganizationBody, await readJson(c)));
  const { created, organization } = await putOrganization(c.get('deps'), params.short_name, body);
  return c.json(organization, created ? 201 : 200);
});
document(
  organizationRoutes,
  createRoute({
    method: 'put',
    path: '/organizations/{short_name}',
    tags,
    summary: 'Create or replace an organization and the slug of its SSO identity provider',
    security: SECURITY.jwtOrApiKey,
    request: {
      params: OrganizationParams,
      body: { content: { 'application/json': { schema: OrganizationBody } }, required: true },
    },
    responses: {
      200: jsonContent(OrganizationResource, 'Replaced'),
      201: jsonContent(OrganizationResource, 'Created'),
      ...errors,
      409: jsonContent(DeveloperError, 'The provider slug belongs to another organization (`sso_provider_in_use`)'),
    },
  }),
);

organizationRoutes.put('/users/:username/external-ids/:provider_slug', serviceOnly(), async (c) => {
  const [params, body] = allValid(check(ExternalIdParams, c.req.param()), check(ExternalIdBody, await readJson(c)));
  const { created, resource } = await putExternalId(
    c.get('deps'),
    c.get('principal'),
    params.username,
    params.provider_slug,
    body.external_user_key,
  );
  return c.json(resource, created ? 201 : 200);
});
document(
  organizationRoutes,
  createRoute({
    method: 'put',
    path: '/users/{username}/external-ids/{provider_slug}',
    tags,
    summary: "Link a user to a provider's learner key; realises the key's waiting program enrollments",
    description:
      'One key per user and provider (a new key replaces the old one). A new link gives the key’s waiting program enrollments (programs owned by the provider’s organization) their user and enrolls the learner in their course runs, in the same atomic write.',
    security: SECURITY.jwtOrApiKey,
    request: {
      params: ExternalIdParams,
      body: { content: { 'application/json': { schema: ExternalIdBody } }, required: true },
    },
    responses: {
      200: jsonContent(ExternalIdResource, 'Already linked, or the key replaced'),
      201: jsonContent(ExternalIdResource, 'Linked'),
      ...errors,
      404: jsonContent(DeveloperError, 'No such user'),
      409: jsonContent(
        DeveloperError,
        '`external_id_taken` (another user holds the key) or `program_course_enrollment_failed` (a realised course enrollment cannot be made; nothing changed)',
      ),
    },
  }),
);
