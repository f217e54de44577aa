import type { BodyFault } from './body';
import { ApiError, developerError } from './errors';
import {
  drfErrorMap,
  type ErrorMap,
  firstMessages,
  type Issue,
  isRootTypeIssue,
  pythonTypeName,
  requiredErrorMap,
} from './zod-issues';

/** Where an input value came from. */
export type InputSource = 'params' | 'query' | 'body';
export type InputIssue = Issue & { in: InputSource };

/**
 * How an endpoint refuses input it cannot accept, in its upstream 400 shape. `route()` validates
 * params, query and body with the endpoint's schemas and hands every issue at once to `invalid`.
 */
export interface InputStyle {
  /** zod's own messages reworded for this endpoint (a schema's own messages win). */
  errorMap?: ErrorMap;
  /** A body that is not JSON, or a malformed form. */
  unreadable: (fault: BodyFault) => ApiError;
  /** Schema issues of params, query and body (in that order); never empty. */
  invalid: (issues: readonly InputIssue[]) => ApiError;
}

const parseErrorText = (fault: BodyFault) =>
  fault.kind === 'json' ? `JSON parse error - ${fault.reason}` : 'Malformed form body.';

/** DRF's ParseError and "not a dictionary" bodies: `{"detail": …}`. */
const detail = (message: string) => new ApiError(400, { detail: message });
const notADictionary = (issue: Issue) =>
  detail(`Invalid data. Expected a dictionary, but got ${pythonTypeName(issue.input)}.`);

/**
 * DRF serializer errors: `{"field": ["message"]}`, first message per top-level field, cross-field
 * rules under `non_field_errors` (schemas put them there). Bulk enrollment, allowances, retirement.
 */
export const drfStyle: InputStyle = {
  errorMap: drfErrorMap,
  unreadable: (fault) => detail(parseErrorText(fault)),
  invalid(issues) {
    const root = issues.find(isRootTypeIssue);
    if (root) return notADictionary(root);
    const messages = firstMessages(issues, 'top');
    return new ApiError(400, Object.fromEntries(Object.entries(messages).map(([field, m]) => [field, [m]])));
  },
};

/** The Enrollment API's `{"message": …}`: the first issue's message (schemas word it as upstream does). */
export const messageStyle: InputStyle = {
  errorMap: drfErrorMap,
  unreadable: drfStyle.unreadable,
  invalid(issues) {
    const root = issues.find(isRootTypeIssue);
    if (root) return notADictionary(root);
    return new ApiError(400, { message: issues[0]?.message ?? 'Invalid request.' });
  },
};

const fieldErrors = (issues: readonly Issue[]) =>
  Object.fromEntries(
    Object.entries(firstMessages(issues, 'top')).map(([field, message]) => [field, { developer_message: message }]),
  );

/** Upstream DeveloperErrorViewMixin field errors (admin list E8): `{"field_errors": {…}}`. */
export const developerFieldStyle: InputStyle = {
  unreadable: (fault) => new ApiError(400, { developer_message: parseErrorText(fault) }),
  invalid: (issues) => new ApiError(400, { field_errors: fieldErrors(issues) }),
};

/**
 * This service's own APIs: `{"error_code": "invalid_request", "developer_message", "field_errors"}`,
 * every bad field named at once by its dotted path (path parameters and body together).
 */
export const serviceStyle: InputStyle = {
  errorMap: requiredErrorMap,
  unreadable: () => developerError(400, 'invalid_json', 'Request body is not valid JSON.'),
  invalid(issues) {
    const root = issues.find((issue) => issue.path.length === 0);
    const bodyError = root && (isRootTypeIssue(root) ? 'Request body must be a JSON object.' : root.message);
    const errors = firstMessages(
      issues.filter((issue) => issue.path.length > 0),
      'path',
    );
    const fields = Object.keys(errors);
    const invalidFields = fields.length ? `Invalid fields: ${fields.join(', ')}.` : undefined;
    const message = [bodyError, invalidFields].filter(Boolean).join(' ');
    return developerError(400, 'invalid_request', message, fields.length ? errors : undefined);
  },
};
