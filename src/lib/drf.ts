import type { z } from 'zod';
import { drfErrorMap, fieldOf } from './zod-issues';

/**
 * DRF-style field errors (`{"field": ["message"]}`) from a zod failure parsed without an error map,
 * worded as `drfErrorMap` words them. Route input is refused by route() with `drfStyle`
 * (lib/input-styles.ts); this serves code that still parses a body itself.
 */
export function drfFieldErrors(error: z.ZodError): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = fieldOf(issue, 'top') || 'non_field_errors';
    const reworded = drfErrorMap(issue as Parameters<typeof drfErrorMap>[0]);
    const message = typeof reworded === 'string' ? reworded : (reworded?.message ?? issue.message);
    errors[field] ??= [];
    errors[field].push(message);
  }
  return errors;
}
