import { jsonContent } from '../lib/http';
import { serviceStyle } from '../lib/input-styles';
import { route } from '../lib/route';
import { createRouter } from '../openapi';
import {
  ExternalIdBody,
  ExternalIdParams,
  ExternalIdResource,
  OrganizationBody,
  OrganizationParams,
  OrganizationResource,
} from './programs-catalog.schemas';
import { putExternalId, putOrganization } from './programs-catalog.service';
import { INVALID_REQUEST, jsonBody, refusal } from './provisioning.schemas';
import { ACCESS_ERRORS, serviceOnly } from './service-guards';

/** Organizations with their SSO provider, and users' SSO links (docs/api/provisioning.md#organizations, #external-ids). */
export const organizationRoutes = createRouter();
const r = organizationRoutes;

const common = { tags: ['Provisioning: programs'], ...serviceOnly(), input: serviceStyle };

route(r, {
  ...common,
  method: 'put',
  path: '/organizations/{short_name}',
  summary: 'Create or replace an organization and the slug of its SSO identity provider',
  request: { params: OrganizationParams, body: jsonBody(OrganizationBody) },
  responses: {
    200: jsonContent(OrganizationResource, 'Replaced'),
    201: jsonContent(OrganizationResource, 'Created'),
    400: INVALID_REQUEST,
    ...ACCESS_ERRORS,
    409: refusal('The provider slug belongs to another organization (`sso_provider_in_use`)'),
  },
  handler: async (c, { params, body }) => {
    const { created, organization } = await putOrganization(c.get('deps'), params.short_name, body);
    return c.json(organization, created ? 201 : 200);
  },
});

route(r, {
  ...common,
  method: 'put',
  path: '/users/{username}/external-ids/{provider_slug}',
  summary: "Link a user to a provider's learner key; realises the key's waiting program enrollments",
  description:
    'One key per user and provider (a new key replaces the old one). A new link gives the key’s waiting program enrollments (programs owned by the provider’s organization) their user and enrolls the learner in their course runs, in the same atomic write.',
  request: { params: ExternalIdParams, body: jsonBody(ExternalIdBody) },
  responses: {
    200: jsonContent(ExternalIdResource, 'Already linked, or the key replaced'),
    201: jsonContent(ExternalIdResource, 'Linked'),
    400: INVALID_REQUEST,
    ...ACCESS_ERRORS,
    404: refusal('No such user (`user_not_found`).'),
    409: refusal(
      '`external_id_taken` (another user holds the key) or `program_course_enrollment_failed` (a realised course enrollment cannot be made; nothing changed)',
    ),
  },
  handler: async (c, { params, body }) => {
    const { username, provider_slug } = params;
    const deps = c.get('deps');
    const { created, resource } = await putExternalId(
      deps,
      c.get('principal'),
      username,
      provider_slug,
      body.external_user_key,
    );
    return c.json(resource, created ? 201 : 200);
  },
});
