// The OpenAPI document's description and tag list (src/openapi.ts builds the document).

export const TAGS = [
  { name: 'Enrollment API', description: 'Open edX Enrollment API v1 (`/api/enrollment/v1`), as the LMS serves it.' },
  {
    name: 'Bulk enrollment',
    description: 'Instructor-dashboard style enroll/unenroll of many learners in several course runs (global staff).',
  },
  {
    name: 'Bulk enrollment jobs',
    description:
      'The bulk enrollment request for up to a million pairs, applied in the background: progress, results, cancel.',
  },
  {
    name: 'Program enrollments',
    description:
      'Open edX program enrollments API v1 (`/api/program_enrollments/v1`): program and program-course enrollments, grades, overviews.',
  },
  { name: 'Cohorts', description: 'A course run’s cohorts (course staff, global staff or the API key).' },
  {
    name: 'Provisioning: users',
    description: 'The LMS pushes users here (API key or global staff); JWTs also create users just in time.',
  },
  {
    name: 'Provisioning: courses',
    description: 'Studio and course discovery push course runs, modes, embargoes and course roles here.',
  },
  {
    name: 'Provisioning: programs',
    description:
      'Organizations, SSO external ids, catalog programs, and the grades, certificates, progress and due dates the LMS reports.',
  },
  { name: 'Provisioning: audit', description: 'Read-only records for support and operations.' },
  {
    name: 'Provisioning: import',
    description:
      'Onboarding an existing Open edX installation: users and enrollments as NDJSON, 5,000 lines per call, original dates kept.',
  },
  {
    name: 'Events',
    description:
      'The change feed and webhook subscriptions (API key or global staff): every enrollment, cohort and program change, and every queued e-mail, in one ordered log.',
  },
  {
    name: 'Webhooks',
    description:
      'Webhook subscriptions under `/api/admin/v1/webhooks`: create, replace, list, delete, their deliveries, replay.',
  },
  {
    name: 'Event payloads',
    description:
      'What a webhook subscription receives: a CloudEvents envelope per event type, signed with the Standard Webhooks headers.',
  },
  {
    name: 'Browser clients',
    description:
      "Micro-frontends call the API from the learner's browser with the JWT cookie pair (`USE-JWT-COOKIE: true`) and a CSRF token on writes.",
  },
  {
    name: 'Operations',
    description:
      'Readiness for load balancers and deploys; `GET /health` (liveness, no storage) is not documented here.',
  },
];

const AUTH_DOC = `**Authentication.** Each operation lists what it accepts:

- \`JwtAuth\`: an edX JWT in the \`Authorization\` header. edX services send \`Authorization: JWT <token>\`;
  \`Authorization: Bearer <token>\` is accepted the same way (this page's *Authorize* button sends \`Bearer\`).
  Locally, \`npm run token -- alice\` (learner) or \`npm run token -- staff --staff\` (global staff) prints one.
- \`JwtCookie\` + \`JwtCookieSignature\` + \`UseJwtCookie\`: the same JWT from a learner's browser, split over the
  cookies \`edx-jwt-cookie-header-payload\` (header.payload) and \`edx-jwt-cookie-signature\`, read when the request
  sends \`USE-JWT-COOKIE\` and no \`Authorization\`. Writes made this way also need \`X-CSRFToken\` (from
  \`GET /csrf/api/v1/token\`).
- \`ApiKey\`: the shared server-to-server key in \`X-Edx-Api-Key\` (\`EDX_API_KEY\`; \`dev-only-api-key\` in \`.dev.vars\`).`;

export const INFO_DOC = `The Open edX Enrollment API v1, bulk enrollment, program enrollments, cohorts and the provisioning
API, served by a Cloudflare Worker (D1 + KV). This document is generated from the zod schemas that validate each
request.

${AUTH_DOC}

**Errors.** Bodies keep each endpoint's upstream shape: \`{"detail"}\` (authentication, permission,
throttling), \`{"message"}\` (enrollment), DRF field maps, \`{"developer_message"}\` (admin list, cohorts) or
\`{"error_code", "developer_message"}\` (provisioning and the service itself). Any operation may also answer
413 (body over 1 MiB) or 500 (a misconfigured variable, named; or an unexpected error with its request id).
Throttled calls get 429 with \`Retry-After\` and \`RateLimit-*\` headers.

**Read-your-writes.** An answer of a request that queried D1 carries \`x-d1-bookmark\`; send it back as
\`x-d1-bookmark\` on the next request to read at least what that request wrote, from any read replica. A
malformed bookmark, or one D1 refuses, answers 400 \`{"error_code": "invalid_bookmark", …}\`.

**Demo data** (\`npm start\` seeds it): course runs \`course-v1:edX+DemoX+Demo_Course\` (audit + verified),
\`course-v1:edX+UpgradeX+2024\`, \`course-v1:edX+InviteX+2025\`, \`course-v1:edX+EmbargoX+2025\`,
\`course-v1:OpenX+SelfPaced+2025\`; users \`alice\`, \`bob\` (enrolled in the demo course), \`carol\` (its
course staff) and \`staff\` (global staff).`;
