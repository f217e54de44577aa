import { ApiError } from '../lib/errors';

// Error bodies of the program endpoints (docs/api/programs.md#errors): upstream's
// DeveloperErrorViewMixin shape, `{"developer_message", "error_code"?}`.

const developer = (status: 403 | 404, developerMessage: string, errorCode?: string) =>
  new ApiError(
    status,
    errorCode
      ? { developer_message: developerMessage, error_code: errorCode }
      : { developer_message: developerMessage },
  );

export const programNotFound = () => developer(404, 'no program exists with given key', 'program_does_not_exist');
export const invalidCourseKey = () => developer(404, 'The provided course key cannot be parsed.', 'invalid_course_key');
/** Upstream's shared helper says "grade" whatever the endpoint (sic). */
export const courseNotFound = (courseKey: string) =>
  developer(404, `Requested grade for unknown course ${courseKey}`, 'course_does_not_exist');
export const noActiveCurriculum = () =>
  developer(404, 'the program does not have an active curriculum', 'no_active_curriculum');
export const courseNotInProgram = () =>
  developer(404, "the program's curriculum does not contain the given course", 'course_not_in_program');
export const invalidCursor = () => developer(404, 'Invalid cursor');
export const forbidden = () => developer(403, 'You do not have permission to perform this action.');
