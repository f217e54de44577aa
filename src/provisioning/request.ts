import type { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { every } from 'hono/combine';
import { authenticate, requirePermission } from '../auth/auth.middleware';
import { isGlobalStaff } from '../context/principal';
import { developerError } from '../lib/errors';

/**
 * Request input for this service's own APIs: zod results turned into the developer-error shape
 * `{"error_code": "invalid_request", "developer_message", "field_errors": {"<field>": {...}}}`,
 * every bad field named at once (path parameters and body together).
 */
export type FieldErrors = Record<string, string>;

export type Checked<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors; bodyError?: string };

/** The body's text as JSON; `undefined` when empty. Not JSON → 400 whatever the Content-Type says. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw developerError(400, 'invalid_json', 'Request body is not valid JSON.');
  }
}

const fieldName = (path: readonly PropertyKey[]) => path.map(String).join('.');

export const REQUIRED_MESSAGE = 'This field is required.';

function issueMessage(issue: z.core.$ZodIssue): string {
  const missing = (issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined;
  if (missing) return REQUIRED_MESSAGE;
  return issue.message;
}

/** Validates `value`; issues keyed by dotted field path (`modes.1.slug`), the root under `bodyError`. */
export function check<S extends z.ZodType>(schema: S, value: unknown): Checked<z.output<S>> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  let bodyError: string | undefined;
  for (const issue of result.error.issues) {
    if (issue.path.length === 0) {
      bodyError ??= issue.code === 'invalid_type' ? 'Request body must be a JSON object.' : issueMessage(issue);
      continue;
    }
    errors[fieldName(issue.path)] ??= issueMessage(issue);
  }
  return { ok: false, errors, bodyError };
}

type Data<T> = { [K in keyof T]: T[K] extends Checked<infer D> ? D : never };

/** The data of every result, or one 400 naming all bad fields of all of them. */
export function allValid<T extends readonly Checked<unknown>[]>(...results: T): Data<T> {
  const errors: FieldErrors = {};
  let bodyError: string | undefined;
  for (const result of results) {
    if (result.ok) continue;
    Object.assign(errors, result.errors);
    bodyError ??= result.bodyError;
  }
  const fields = Object.keys(errors);
  if (fields.length === 0 && !bodyError) return results.map((r) => (r as { data: unknown }).data) as Data<T>;
  const message = [bodyError, fields.length ? `Invalid fields: ${fields.join(', ')}.` : undefined]
    .filter(Boolean)
    .join(' ');
  throw developerError(400, 'invalid_request', message, fields.length ? errors : undefined);
}

/** Provisioning access (service-contract.md): the API key or a global-staff JWT; 401/403 in the service shape. */
export const serviceOnly = () =>
  every(
    authenticate({ style: 'service' }),
    requirePermission((p) => p.apiKey || isGlobalStaff(p), 'service'),
  );
