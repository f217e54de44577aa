import { z } from '@hono/zod-openapi';

const Check = z.string().openapi({ description: '`ok`, or why the check failed.' });

export const ReadinessSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    checks: z.object({
      d1: Check.openapi({ example: 'ok' }),
      migrations: Check.openapi({ example: 'ok' }),
      kv: Check.openapi({ example: 'ok' }),
      queue: Check.openapi({ example: 'ok' }),
    }),
  })
  .openapi('Readiness');

export const UnavailableExample = {
  status: 'unavailable',
  checks: {
    d1: 'ok',
    migrations: 'not applied: expected 0008_idempotency.sql, newest applied 0007_bulk_jobs.sql',
    kv: 'ok',
    queue: 'ok',
  },
};
