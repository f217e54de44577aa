import type { Context } from 'hono';
import { every } from 'hono/combine';
import { authenticate, requirePermission } from '../auth/auth.middleware';
import { isGlobalStaff, type Principal } from '../context/principal';
import { ApiError } from '../lib/errors';
import type { WriteMethod } from './statuses';

// HTTP helpers of /api/program_enrollments/v1: who may call, and how write bodies are read.

/**
 * §3.2 staff-or-app endpoints, with §10.1: global staff only. Restricted applications (no view
 * declares scopes, so upstream refuses them too) and the `?username=` hole get 403. JWT only: the
 * API key grants nothing here. 401/403 bodies in upstream's developer shape.
 */
export const staffOrApp = (style: 'developer' | 'detail' = 'developer') =>
  every(authenticate({ style, jwtOnly: true }), requirePermission(isGlobalStaff, style));

/** §3.2 learner endpoints: any signed-in user; restricted applications get 403 (contract). */
export const signedIn = () =>
  every(
    authenticate({ style: 'developer', jwtOnly: true }),
    requirePermission((p: Principal) => p.user !== null && !p.restricted, 'developer'),
  );

/**
 * A write body as parsed JSON. Empty, or a form (DRF would parse it into a dictionary), is `{}` —
 * not an array, so the endpoint answers its "invalid enrollment record". Unparsable JSON is 400.
 */
export async function readWriteBody(c: Context): Promise<unknown> {
  const type = c.req.header('Content-Type') ?? '';
  if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) return {};
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ApiError(400, { developer_message: `JSON parse error - ${(error as Error).message}` });
  }
}

export const writeMethod = (c: Context) => c.req.method.toUpperCase() as WriteMethod;
