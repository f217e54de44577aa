import { echo } from '../lib/echo';
import { ApiError } from '../lib/errors';
import { developerFieldStyle, type InputStyle } from '../lib/input-styles';

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
  developer(404, `Requested grade for unknown course ${echo(courseKey)}`, 'course_does_not_exist');
export const noActiveCurriculum = () =>
  developer(404, 'the program does not have an active curriculum', 'no_active_curriculum');
export const courseNotInProgram = () =>
  developer(404, "the program's curriculum does not contain the given course", 'course_not_in_program');
export const invalidCursor = () => developer(404, 'Invalid cursor');
export const forbidden = () => developer(403, 'You do not have permission to perform this action.');

/** A path segment that cannot be a program UUID: the same 404 as an unknown program, naming it. */
export const invalidProgramUuid = (value: unknown) =>
  developer(404, `no program exists with given key '${echo(value)}'`, 'program_does_not_exist');

/**
 * The program routes match any `{program_uuid}` segment so that authentication and permission run
 * first (docs/api/programs.md#errors); one that is not a UUID is then this 404, not a 400.
 */
export const programInputStyle: InputStyle = {
  ...developerFieldStyle,
  invalid(issues) {
    const uuid = issues.find((issue) => issue.in === 'params' && issue.path[0] === 'program_uuid');
    return uuid ? invalidProgramUuid(uuid.input) : developerFieldStyle.invalid(issues);
  },
};
