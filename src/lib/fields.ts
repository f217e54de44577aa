import { z } from '@hono/zod-openapi';
import { parseDateTime } from './datetime';

// Field schemas the routes' request schemas share.

/**
 * A field documented as `documented` (what succeeds) that the HTTP layer nevertheless accepts in any
 * form, read with `read`. For fields upstream takes loosely (ignores or coerces other values), and
 * for fields whose refusal the documented order places after a step that reads storage: the service refuses
 * them at that step, so a schema refusal here would answer in the wrong order.
 */
export function lenient<T>(documented: z.ZodType, read: (value: unknown) => T, description?: string) {
  const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(documented, { io: 'input', unrepresentable: 'any' });
  return z
    .unknown()
    .transform(read)
    .optional()
    .openapi({ ...(jsonSchema as object), ...(description ? { description } : {}) });
}

/** Strings as they are; any other value as if the field were absent. */
export const stringOrAbsent = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * A string of at most `max` characters counted as code points, as Python (DRF's `max_length`) and
 * JSON Schema's `maxLength` count them, where zod's `.max()` counts UTF-16 units.
 */
export const atMostCharacters = (schema: z.ZodString, max: number, message: string) =>
  schema.refine((value) => value.length <= max || [...value].length <= max, message).openapi({ maxLength: max });

/** An ISO 8601 date-time with a zone, read as epoch milliseconds (how the database keeps times). */
export const epochMillisFromDateTime = z
  .string()
  .transform((value, ctx) => {
    const ms = parseDateTime(value);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: 'Not an ISO 8601 datetime with a zone (e.g. "2030-01-01T00:00:00Z").' });
      return z.NEVER;
    }
    return ms;
  })
  .openapi({ type: 'string', format: 'date-time', example: '2030-01-01T00:00:00Z' });
