import { createRouter } from '../openapi';
import { courseEnrollmentRoutes } from './course-enrollments.routes';
import { programLearnerRoutes } from './learner.routes';
import { programEnrollmentRoutes } from './program-enrollments.routes';
import { programResetRoutes } from './reset.routes';

/**
 * `/api/program_enrollments/v1` (docs/api/programs.md): composes the domain's routes files, holds
 * none itself. Each route authenticates itself, so unknown paths stay 404 and wrong methods 405
 * before any credential check. The learner routes go first: `/programs/enrollments` is the access
 * list, not a program's enrollments.
 */
export const programRoutes = createRouter();

programRoutes.route('/', programLearnerRoutes);
programRoutes.route('/', programEnrollmentRoutes);
programRoutes.route('/', courseEnrollmentRoutes);
programRoutes.route('/', programResetRoutes);
