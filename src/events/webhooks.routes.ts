import { createRouter } from '../openapi';

/** `/api/admin/v1/webhooks` (docs/events.md#subscriptions). */
export const webhookRoutes = createRouter();
