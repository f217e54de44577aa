import type { z } from 'zod';

/**
 * DRF-style field errors (`{"field": ["message"]}`) from a zod failure, with DRF's wording for the
 * common cases so upstream clients see familiar texts.
 */
export function drfFieldErrors(error: z.ZodError): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? String(issue.path[0]) : 'non_field_errors';
    let message = issue.message;
    if (issue.code === 'invalid_type') {
      if (issue.input === undefined) message = 'This field is required.';
      else if (issue.expected === 'string') message = 'Not a valid string.';
      else if (issue.expected === 'boolean') message = 'Must be a valid boolean.';
    }
    errors[field] ??= [];
    errors[field].push(message);
  }
  return errors;
}
