import { serviceStyle } from '../lib/input-styles';
import { route, SECURITY } from '../lib/route';
import { createRouter } from '../openapi';
import { ReadinessSchema, UnavailableExample } from './health.schemas';
import { checkReadiness } from './health.service';

export const healthRoutes = createRouter();

// Readiness (docs/operations.md#readiness); `GET /health` stays the storage-free liveness answer.
route(healthRoutes, {
  method: 'get',
  path: '/health/ready',
  summary: 'Readiness: D1, the expected migrations, KV and the EVENTS queue binding',
  tags: ['Operations'],
  security: SECURITY.anonymous,
  responses: {
    200: {
      description: 'Every check passed.',
      content: { 'application/json': { schema: ReadinessSchema } },
    },
    503: {
      description: 'A check failed; each failing check names why.',
      content: { 'application/json': { schema: ReadinessSchema, example: UnavailableExample } },
    },
  },
  input: serviceStyle,
  handler: async (c) => {
    const readiness = await checkReadiness(c.get('deps'), c.env.EVENTS !== undefined);
    return c.json(readiness, readiness.status === 'ok' ? 200 : 503);
  },
});
