import type { Deps } from '../context';
import type { Principal } from '../context/principal';
import { runBatch, type Statement } from '../db/batch';
import { echo } from '../lib/echo';
import { developerError } from '../lib/errors';
import { userNotFound } from '../users/users.service';
import { type CourseLink, courseLinkStatements, courseStaffStatements } from './course-links.repo';
import { loadLinkContext, realiseProgramEnrollments, upsertLink } from './linking.repo';
import { type CourseStatus, type CurrentEnrollment, planRealisation } from './statuses';

// SSO links (provisioning `PUT /users/{username}/external-ids/{provider_slug}`) and the realisation
// of waiting enrollments they trigger (docs/api/programs.md#realisation).

export interface ExternalIdResource {
  username: string;
  provider_slug: string;
  external_user_key: string;
}

const isUniqueViolation = (error: unknown) => String((error as Error)?.message ?? error).includes('UNIQUE constraint');

const keyTaken = (slug: string, key: string) =>
  developerError(409, 'external_id_taken', `Key "${echo(key)}" of provider "${echo(slug)}" is linked to another user.`);

/**
 * Links a user to a provider's learner key (one key per user and provider; a new key replaces the
 * old one). A link that is new — created, or pointed at another key — realises the key's waiting
 * program enrollments in programs owned by the provider's organization, with their course
 * enrollments (masters, reuse of an active enrollment, audit/honor → masters, deactivated when
 * `inactive`) and pending course-staff roles, all in the link's own atomic batch. A program the user
 * is already enrolled in (under another key) keeps its waiting enrollment. If any course enrollment
 * cannot be made (run missing from the catalog, or the learner active in the run through another
 * program) the link is refused with 409 and nothing changes (#realisation step 4).
 *
 * Two round trips: one read, one write batch.
 */
export async function linkExternalId(
  deps: Deps,
  principal: Principal,
  username: string,
  slug: string,
  key: string,
): Promise<{ created: boolean; resource: ExternalIdResource }> {
  const ctx = await loadLinkContext(deps.db, username, slug, key);
  if (!ctx.user) throw userNotFound(username);
  const resource = { username, provider_slug: slug, external_user_key: key };
  if (ctx.keyHolder !== null && ctx.keyHolder !== ctx.user.id) throw keyTaken(slug, key);
  if (ctx.currentKey === key) return { created: false, resource };

  const user = ctx.user;
  const realised = new Set(ctx.parents.filter((p) => p.userEnrolled !== 1).map((p) => p.id));
  const rows = ctx.rows.filter((r) => realised.has(r.programEnrollmentId));
  const current = new Map<string, CurrentEnrollment>(ctx.current.map((e) => [e.courseId, e]));
  const plan = planRealisation(
    rows.map((r) => ({
      id: r.id,
      courseKey: r.courseKey,
      status: r.status as CourseStatus,
      runExists: r.runExists === 1,
    })),
    current,
    ctx.heldElsewhere,
  );
  if (!plan.ok) {
    const why =
      plan.reason === 'conflict'
        ? `the learner is already active in ${plan.courseKey} through another program enrollment`
        : `course run ${echo(plan.courseKey)} does not exist`;
    throw developerError(
      409,
      'program_course_enrollment_failed',
      `Linking would realise enrollments that fail: ${why}.`,
    );
  }

  const parentOf = new Map(rows.map((r) => [r.id, r.programEnrollmentId]));
  const links: CourseLink[] = plan.links.map((l) => ({
    programEnrollmentId: parentOf.get(l.id) as number,
    courseId: l.courseKey,
    userId: user.id,
    email: user.email,
    mode: l.mode,
    isActive: l.isActive,
  }));
  const staffRows = rows.filter((r) => r.pendingStaff === 1);
  const now = deps.now();
  const db = deps.db;
  const statements: Statement[] = [
    upsertLink(db, user.id, slug, key, now),
    ...(realised.size > 0 ? [realiseProgramEnrollments(db, [...realised], user.id, now)] : []),
    ...courseLinkStatements(db, links, { actor: principal.user?.username ?? null, now, eventOrigin: 'linking' }),
    ...courseStaffStatements(
      db,
      {
        grant: staffRows.map((r) => ({ userId: user.id, courseId: r.courseKey })),
        revoke: [],
        addPending: [],
        removePending: staffRows.map((r) => ({ programEnrollmentId: r.programEnrollmentId, courseId: r.courseKey })),
      },
      now,
    ),
  ];
  try {
    await runBatch(db, statements);
  } catch (error) {
    // The key was linked to someone else between the read and the write.
    if (isUniqueViolation(error)) throw keyTaken(slug, key);
    throw error;
  }
  return { created: ctx.currentKey === null, resource };
}
