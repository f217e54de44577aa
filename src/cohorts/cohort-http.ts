import { createMiddleware } from 'hono/factory';
import { authenticate } from '../auth/auth.middleware';
import type { AppEnv } from '../context';
import { errorResponse, errorResponses } from '../lib/error-responses';
import { AUTH_MESSAGES } from '../lib/errors';
import { authError, COURSE_ID_PARAM, jsonContent } from '../lib/http';
import { type InputStyle, serviceStyle } from '../lib/input-styles';
import { SECURITY } from '../lib/route';
import { firstMessages, isRootTypeIssue, REQUIRED_MESSAGE, requiredErrorMap } from '../lib/zod-issues';
import { CohortError } from './cohorts.schemas';
import { cohortError, mayManageCohorts } from './cohorts.service';

// What every cohorts route shares (docs/api/cohorts.md#access): credentials, the permission, the
// developer error shape, the paths.

const courseStaffOrPrivileged = createMiddleware<AppEnv>(async function cohortPermission(c, next) {
  const courseId = c.req.param('course_id') ?? '';
  if (!(await mayManageCohorts(c.get('deps'), c.get('principal'), courseId))) {
    throw authError('developer', 403, AUTH_MESSAGES.forbidden);
  }
  await next();
});

export const COHORTS_PATH = '/courses/{course_id}/cohorts';
export const COHORTS_PATTERN = `/courses/${COURSE_ID_PARAM}/cohorts`;

/** Spread into each cohorts route: tags, credentials, the permission (before any input is read). */
export const cohortRoute = {
  tags: ['Cohorts'],
  security: SECURITY.jwtOrApiKey,
  middleware: [authenticate({ style: 'developer' }), courseStaffOrPrivileged],
};

export const cohortErrors = {
  ...errorResponses('developer', 401),
  403: errorResponse('developer', 403, 'Not global staff, the API key or course staff'),
};

export const COURSE_NOT_FOUND_EXAMPLE = {
  developer_message: 'Course course-v1:edX+NoSuchX+2025 not found.',
  error_code: 'course-not-found',
};
export const COHORT_NOT_FOUND_EXAMPLE = {
  developer_message: 'Cohort (ID 99) not found for course-v1:edX+DemoX+Demo_Course',
  error_code: 'cohort-not-found',
};

/** The 404 of a route under `…/cohorts/{cohort_id}`: no such course run, or no such cohort in it. */
export const cohortNotFound = jsonContent(
  CohortError,
  'No such course run (`course-not-found`), or no cohort of that id in it (`cohort-not-found`)',
  COHORT_NOT_FOUND_EXAMPLE,
);

export interface CohortStyleOptions {
  /** Each body field with the code its errors carry (`missing-<code>`, `invalid-<code>`). */
  codes: Record<string, string>;
  /** The message of a missing field. */
  missing: (field: string) => string;
}

/**
 * Upstream DeveloperErrorViewMixin 400s: the first bad field named with its own error code, the
 * field's message under `field_errors`.
 */
export function cohortInputStyle({ codes, missing }: CohortStyleOptions): InputStyle {
  return {
    errorMap: requiredErrorMap,
    unreadable: serviceStyle.unreadable,
    invalid(issues) {
      const errors = firstMessages(
        issues.filter((issue) => issue.path.length > 0),
        'top',
      );
      const field = Object.keys(codes).find((f) => errors[f]);
      if (!field) {
        const message = issues.some(isRootTypeIssue) ? 'Request body must be a JSON object.' : 'Invalid request body.';
        return cohortError(400, message, 'invalid-request');
      }
      const absent = errors[field] === REQUIRED_MESSAGE;
      const message = absent ? missing(field) : `"${field}": ${errors[field]}`;
      return cohortError(400, message, `${absent ? 'missing' : 'invalid'}-${codes[field]}`, errors);
    },
  };
}
