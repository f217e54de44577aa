import type { z } from 'zod';

// zod issues turned into the field → message pairs every error shape is built from. Wording is a
// zod error map passed to safeParse: messages a schema sets itself win over it.

export type Issue = z.core.$ZodIssue;
export type ErrorMap = z.core.$ZodErrorMap;

export const REQUIRED_MESSAGE = 'This field is required.';

type RawIssue = Parameters<ErrorMap>[0];

/** A missing key (or `undefined`): zod reports it as a wrong type or value with no input. */
export const isMissing = (issue: RawIssue) =>
  (issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined;

/** Only "required" reworded (this service's own APIs keep zod's messages otherwise). */
export const requiredErrorMap: ErrorMap = (issue) => (isMissing(issue) ? REQUIRED_MESSAGE : undefined);

/** DRF's texts for the common faults, so upstream clients see familiar messages. */
export const drfErrorMap: ErrorMap = (issue) => {
  if (isMissing(issue)) return REQUIRED_MESSAGE;
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.expected === 'string') return 'Not a valid string.';
  if (issue.expected === 'boolean') return 'Must be a valid boolean.';
  return undefined;
};

/** Python's name of a JSON value's type, as DRF prints it ("Expected a dictionary, but got list."). */
export function pythonTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'NoneType';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return typeof value;
}

/** An issue about the value as a whole being of the wrong type (a body that is not an object). */
export const isRootTypeIssue = (issue: Issue) => issue.path.length === 0 && issue.code === 'invalid_type';

/** The field an issue names: its top-level key, or the dotted path (`modes.1.slug`); `''` for the root. */
export const fieldOf = (issue: Issue, depth: 'top' | 'path') =>
  depth === 'top' ? String(issue.path[0] ?? '') : issue.path.map(String).join('.');

/** The first message of each field, in the order the issues came. */
export function firstMessages(issues: readonly Issue[], depth: 'top' | 'path'): Record<string, string> {
  const messages: Record<string, string> = {};
  for (const issue of issues) messages[fieldOf(issue, depth)] ??= issue.message;
  return messages;
}
