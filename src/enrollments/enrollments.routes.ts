import { createRouter } from '../openapi';

export const enrollmentRoutes = createRouter();
