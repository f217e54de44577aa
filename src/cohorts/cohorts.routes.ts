import { createRouter } from '../openapi';

export const cohortRoutes = createRouter();
