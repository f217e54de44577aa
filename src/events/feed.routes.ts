import { createRouter } from '../openapi';

/** `GET /api/events/v1/changes` (docs/events.md#feed). */
export const feedRoutes = createRouter();
