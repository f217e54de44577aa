import { authenticate, requirePermission } from '../auth/auth.middleware';
import { isGlobalStaff } from '../context/principal';
import { errorResponse, errorResponses } from '../lib/error-responses';
import { SECURITY } from '../lib/route';

// Who may call /api/admin/v1 (docs/api/provisioning.md): the API key or a global-staff JWT, checked
// before any input is validated; 401/403 in the service shape.

/** The guard every provisioning route runs, and what its declaration documents about it. */
export const serviceOnly = () => ({
  security: SECURITY.jwtOrApiKey,
  middleware: [authenticate({ style: 'service' }), requirePermission((p) => p.apiKey || isGlobalStaff(p), 'service')],
});

/** The documented 401/403 of `serviceOnly()`. */
export const ACCESS_ERRORS = {
  ...errorResponses('service', 401),
  403: errorResponse('service', 403, 'Neither the API key nor global staff.'),
};
