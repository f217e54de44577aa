import { createRouter } from '../openapi';
import { auditRoutes } from './audit.routes';
import { courseRoutes } from './courses.routes';
import { importRoutes } from './import.routes';
import { learnerRecordRoutes } from './learner-records.routes';
import { organizationRoutes } from './organizations.routes';
import { outboxRoutes } from './outbox.routes';
import { programCatalogRoutes } from './programs-catalog.routes';
import { roleRoutes } from './roles.routes';
import { userRoutes } from './users.routes';

/**
 * `/api/admin/v1` (docs/api/provisioning.md): composes the domain's routes files, holds none itself.
 * The LMS, Studio and course discovery push users and the catalog here. Each route authenticates
 * itself (no `use('*')`), so unknown paths stay 404 and wrong methods 405 before any credential check.
 */
export const provisioningRoutes = createRouter();

provisioningRoutes.route('/', userRoutes);
provisioningRoutes.route('/', roleRoutes);
provisioningRoutes.route('/', learnerRecordRoutes);
provisioningRoutes.route('/', courseRoutes);
provisioningRoutes.route('/', auditRoutes);
provisioningRoutes.route('/', outboxRoutes);
provisioningRoutes.route('/', organizationRoutes);
provisioningRoutes.route('/', programCatalogRoutes);
provisioningRoutes.route('/', importRoutes);
