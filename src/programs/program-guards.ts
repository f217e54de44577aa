import { authenticate, requirePermission } from '../auth/auth.middleware';
import { isGlobalStaff, type Principal } from '../context/principal';
import { errorResponse, errorResponses } from '../lib/error-responses';

// Who may call /api/program_enrollments/v1 (docs/api/programs.md): the guards each route runs
// before its input is validated, so 401/403 come before any 400 or 404.

/**
 * Staff endpoints (docs/api/programs.md#access), with P1: global staff only. Restricted applications (no view
 * declares scopes, so upstream refuses them too) and the `?username=` hole get 403. JWT only: the
 * API key grants nothing here. 401/403 bodies in upstream's developer shape (`detail` for the reset).
 */
export const staffOrApp = (style: 'developer' | 'detail' = 'developer') => [
  authenticate({ style, jwtOnly: true }),
  requirePermission(isGlobalStaff, style),
];

/** The documented 401/403 of `staffOrApp()`. */
export const STAFF_ERRORS = {
  ...errorResponses('developer', 401),
  403: errorResponse('developer', 403, 'Not global staff (restricted applications included).'),
};

/** Learner endpoints (docs/api/programs.md#access): any signed-in user; restricted applications get 403. */
export const signedIn = () => [
  authenticate({ style: 'developer', jwtOnly: true }),
  requirePermission((p: Principal) => p.user !== null && !p.restricted, 'developer'),
];
