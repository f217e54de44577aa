import { createRouter } from '../openapi';

export const provisioningRoutes = createRouter();
