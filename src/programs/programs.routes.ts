import { createRouter } from '../openapi';
import { programEnrollmentRoutes } from './enrollments.routes';
import { programLearnerRoutes } from './learner.routes';
import { programResetRoutes } from './reset.routes';

/**
 * `/api/program_enrollments/v1` (program-enrollments.md). Each route authenticates itself, so
 * unknown paths stay 404 and wrong methods 405 before any credential check. The learner routes go
 * first: `/programs/enrollments` is the access list, not a program's enrollments.
 */
export const programRoutes = createRouter();

programRoutes.route('/', programLearnerRoutes);
programRoutes.route('/', programEnrollmentRoutes);
programRoutes.route('/', programResetRoutes);
