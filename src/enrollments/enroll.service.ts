import type { Deps } from '../context';
import { callerUsername, isGlobalStaff, isPrivileged, type Principal } from '../context/principal';
import { parseCourseKey } from '../lib/course-key';
import { ApiError, messageError, notFoundDetail } from '../lib/errors';
import { courseDetailsView, defaultModeSlug, isEnrollmentOpen, isModeAvailable } from './course-modes';
import {
  type AuditFacts,
  type CourseRow,
  type EnrollmentRow,
  insertAudit,
  linkAllowance,
  linkAuditToEnrollment,
  loadEnrollContext,
  placeInCohort,
  placeInCohortIfNone,
  readEnrollment,
  recordEnrollmentChange,
  setOrgEmailOptIn,
  type UserSelector,
  upsertEnrollmentAttribute,
  writeEnrollment,
} from './enrollments.repo';
import { enrollmentView } from './enrollments.service';

// POST /api/enrollment/v1/enrollment (enrollment-api.md §8). Steps run in the spec's order; all
// reads happen in one round trip and all writes in one atomic batch, so a refused request writes
// nothing (§8.2, D4).

type Attribute = { namespace: string; name: string; value: string };

/** Attributes a mode requires (upstream REQUIRED_ATTRIBUTES). */
const REQUIRED_ATTRIBUTES: Record<string, string[]> = { credit: ['credit:provider_id'] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** How upstream prints a rejected value: strings raw, anything else as JSON text. */
const shown = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

const optionalSlug = (value: unknown): string | null =>
  value === undefined || value === null ? null : typeof value === 'string' ? value : shown(value);

function optionalBoolean(value: unknown, message: (v: string) => string): boolean | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value;
  throw messageError(400, message(shown(value)));
}

/** §8.2 step 10: an array of `{namespace, name, value}` strings, or null. */
function parseAttributes(value: unknown): Attribute[] | null {
  if (value === undefined || value === null) return null;
  const items = Array.isArray(value) ? value : [value];
  for (const item of items) {
    for (const key of ['namespace', 'name', 'value'] as const) {
      if (!isObject(item) || typeof item[key] !== 'string') {
        const message = `'${key}' not in enrollment attribute`;
        throw messageError(400, message, { localizedMessage: message });
      }
    }
  }
  return items as Attribute[];
}

/** `email_opt_in`: booleans, or the strings true/false in any case; anything else is ignored. */
function parseOptIn(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && ['true', 'false'].includes(value.toLowerCase())) {
    return value.toLowerCase() === 'true';
  }
  return null;
}

const enrollmentError = (username: string, courseId: string) =>
  messageError(
    400,
    `An error occurred while creating the new course enrollment for user '${username}' in course '${courseId}'`,
  );

export interface EnrollInput {
  body: Record<string, unknown>;
  /** The request's country (Cloudflare geolocation), null when unknown. */
  requestCountry: string | null;
}

/** What the trusted-service log line reports once the request got past step 7. */
interface ChangeRequested {
  courseId: string;
  userId: number;
  requestedMode: string | null;
  requestedActivation: unknown;
  current: { mode: string; isActive: boolean } | null;
}

/**
 * Upstream logs `enrollment_change_requested` for every API-key call from step 8 on, whatever its
 * outcome. Refused calls change nothing in D1 (§8.2), so this structured log line is their trace;
 * successful ones also leave an audit record.
 */
export async function enroll(deps: Deps, principal: Principal, input: EnrollInput) {
  const trace: { request: ChangeRequested | null } = { request: null };
  let outcome: number | 'error' = 200;
  try {
    return await enrollSteps(deps, principal, input, trace);
  } catch (error) {
    outcome = error instanceof ApiError ? error.status : 'error';
    throw error;
  } finally {
    if (principal.apiKey && trace.request) {
      const r = trace.request;
      console.log(
        JSON.stringify({
          event: 'enrollment_change_requested',
          course_id: r.courseId,
          user_id: r.userId,
          requested_mode: r.requestedMode,
          requested_activation: r.requestedActivation ?? null,
          actual_mode: r.current?.mode ?? null,
          actual_activation: r.current?.isActive ?? null,
          outcome,
        }),
      );
    }
  }
}

async function enrollSteps(
  deps: Deps,
  principal: Principal,
  { body, requestCountry }: EnrollInput,
  trace: { request: ChangeRequested | null },
) {
  const privileged = isPrivileged(principal);
  const caller = callerUsername(principal);
  const now = deps.now();

  // 1–2: the course id.
  const rawCourseId = isObject(body.course_details) ? body.course_details.course_id : undefined;
  if (typeof rawCourseId !== 'string' || rawCourseId === '') {
    throw messageError(400, 'Course ID must be specified to create a new enrollment.');
  }
  const key = parseCourseKey(rawCourseId);
  if (!key) throw messageError(400, `No course '${rawCourseId}' found for enrollment`);
  const courseId = key.id;

  // 3–4: the target; other users' enrollments are invisible to unprivileged callers.
  let target: UserSelector = { username: caller };
  if (typeof body.user === 'string' && body.user !== '') target = { username: body.user };
  else if (typeof body.email === 'string' && body.email !== '') {
    if (!privileged) throw notFoundDetail();
    target = { email: body.email };
  }
  if ('username' in target && target.username !== caller && !privileged) throw notFoundDetail();

  // 5: only audit/honor without privilege.
  const mode = optionalSlug(body.mode);
  if (mode !== null && mode !== 'audit' && mode !== 'honor' && !privileged) {
    throw messageError(403, `User does not have permission to create enrollment with mode [${mode}].`);
  }

  const cohortName = optionalSlug(body.cohort);
  const ctx = await loadEnrollContext(deps.db, { target, courseId, callerId: principal.user?.id ?? null, cohortName });

  // 6: the target must exist.
  const user = ctx.target;
  if (!user) {
    throw messageError(
      406,
      'email' in target
        ? `The user with the email address ${target.email} does not exist.`
        : `The user ${target.username} does not exist.`,
    );
  }

  // 7: embargo (D12): the request's country unless it is a server-to-server call, and the profile country.
  const blocked = new Set(ctx.course?.blockedCountries ?? []);
  const countries = [principal.apiKey ? null : requestCountry, user.country].filter((c): c is string => !!c);
  if (countries.some((c) => blocked.has(c.toUpperCase()))) {
    throw messageError(403, `Users from this location cannot access the course '${courseId}'.`, {
      user_message_url: `${deps.config.LMS_ROOT_URL}/embargo/blocked-message/enrollment/default/`,
    });
  }

  trace.request = {
    courseId,
    userId: user.id,
    requestedMode: mode,
    requestedActivation: body.is_active,
    current: ctx.current,
  };

  // 8–9: flags.
  const isActive = optionalBoolean(body.is_active, (v) => `'${v}' is an invalid enrollment activation status.`);
  const force = optionalBoolean(body.force_enrollment, (v) => `'${v}' is an invalid force enrollment status.`);
  const forced = force === true && isGlobalStaff(principal);

  // 10: everything else that can be refused is checked before any write (D4, D13).
  const attributes = parseAttributes(body.enrollment_attributes);
  const callerIsCourseStaff = ctx.roles.some((r) => r.userId === principal.user?.id && r.isActive);
  if (cohortName !== null) {
    if (!(privileged || callerIsCourseStaff)) {
      throw messageError(403, 'Only course staff or a trusted service may choose a cohort.');
    }
    if (!ctx.cohort) throw messageError(400, `An error occured while adding to cohort [${cohortName}]`);
  }

  // 11: branch (§8.3).
  const current = ctx.current;
  const modeChanged = current !== null && mode !== null && mode !== current.mode;
  const activeChanged = current !== null && isActive !== null && isActive !== current.isActive;
  const courseOrRefuse = (): CourseRow => {
    if (!ctx.course) throw messageError(400, `No course '${courseId}' found for enrollment`);
    return ctx.course;
  };
  const refuseUnavailableMode = (
    course: CourseRow,
    slug: string,
    requested: string | null,
    includeExpired: boolean,
  ) => {
    if (isModeAvailable(slug, ctx.modes, includeExpired, now)) return;
    throw messageError(
      400,
      `The [${requested ?? 'None'}] course mode is expired or otherwise unavailable for course run [${courseId}].`,
      { course_details: courseDetailsView(course, ctx.modes, includeExpired, now) },
    );
  };

  let next: { mode: string; isActive: boolean };
  const allowanceToLink = ctx.allowance && ctx.allowance.userId === null ? ctx.allowance : null;
  let cohortOnEnroll: { id: number; onlyIfNone: boolean } | null = null;

  if (current && privileged && (modeChanged || activeChanged)) {
    // §8.4 update branch.
    if (modeChanged && activeChanged && isActive === false) {
      throw messageError(
        400,
        `Enrollment mode mismatch: active mode=${current.mode}, requested mode=${mode}. Won't deactivate.`,
      );
    }
    if (attributes && attributes.length > 0 && mode !== null) {
      const given = new Set(attributes.map((a) => `${a.namespace}:${a.name}`));
      const required = REQUIRED_ATTRIBUTES[mode] ?? [];
      if (required.some((r) => !given.has(r))) {
        throw messageError(
          400,
          `Missing enrollment attributes: requested mode=${mode} required attributes=[${required.map((r) => `'${r}'`).join(', ')}]`,
        );
      }
    }
    if (mode !== null) refuseUnavailableMode(courseOrRefuse(), mode, mode, principal.apiKey || isActive === false);
    next = { mode: mode ?? current.mode, isActive: isActive ?? current.isActive };
  } else {
    // §8.5 add branch.
    const course = courseOrRefuse();
    const resolved = mode ?? defaultModeSlug(ctx.modes, now);
    refuseUnavailableMode(course, resolved, mode, isActive === false || forced);
    if (!forced && !mayEnroll(ctx, user, course, now)) throw enrollmentError(user.username, courseId);
    const max = course.maxStudentEnrollmentsAllowed;
    if (max !== null && (ctx.activeLearners ?? 0) >= max) throw enrollmentError(user.username, courseId);
    if (current?.isActive) {
      // Already enrolled: nothing changes; a trusted service's call is still audited.
      if (principal.apiKey) {
        const facts = auditFacts(principal, user, courseId, body, mode, isActive, current, now);
        await insertAudit(deps.db, facts, 'from enrolled to enrolled', current.id);
      }
      return enrollmentView(current, user.username, course, ctx.modes, now);
    }
    next = { mode: resolved, isActive: isActive ?? true };
    if (cohortName === null && ctx.preassignedCohortId !== null) {
      cohortOnEnroll = { id: ctx.preassignedCohortId, onlyIfNone: false };
    } else if (cohortName === null && ctx.randomCohortIds.length > 0) {
      const pick = ctx.randomCohortIds[Math.floor(Math.random() * ctx.randomCohortIds.length)] as number;
      cohortOnEnroll = { id: pick, onlyIfNone: true };
    }
  }

  // 12: write the change and its side effects atomically, then answer with the stored row.
  const db = deps.db;
  const optIn = parseOptIn(body.email_opt_in);
  const change = { userId: user.id, courseId, ...next, now };
  const sideEffects = [
    ...(attributes ?? []).map((a) => upsertEnrollmentAttribute(db, user.id, courseId, a)),
    ...(ctx.cohort ? [placeInCohort(db, courseId, user.id, ctx.cohort.id)] : []),
    ...(cohortOnEnroll
      ? [(cohortOnEnroll.onlyIfNone ? placeInCohortIfNone : placeInCohort)(db, courseId, user.id, cohortOnEnroll.id)]
      : []),
    ...(allowanceToLink ? [linkAllowance(db, allowanceToLink.id, user.id)] : []),
    ...(optIn !== null ? [setOrgEmailOptIn(db, user.id, ctx.course?.org ?? key.org, optIn, now)] : []),
  ];
  const results = await db.batch([
    recordEnrollmentChange(db, change, auditFacts(principal, user, courseId, body, mode, isActive, next, now), {
      always: principal.apiKey,
    }),
    writeEnrollment(db, change),
    linkAuditToEnrollment(db, user.id, courseId),
    ...sideEffects,
    readEnrollment(db, user.id, courseId),
  ]);
  const row = (results[results.length - 1] as EnrollmentRow[])[0];
  if (!row) throw new Error('enrollment row missing after write');
  return enrollmentView(row, user.username, courseOrRefuse(), ctx.modes, now);
}

type EnrollContext = Awaited<ReturnType<typeof loadEnrollContext>>;

/** §8.5 step 4: may the target enroll without force? First matching rule wins. */
function mayEnroll(ctx: EnrollContext, user: NonNullable<EnrollContext['target']>, course: CourseRow, now: number) {
  if (ctx.allowance) return ctx.allowance.userId === null || ctx.allowance.userId === user.id;
  const targetIsCourseStaff = ctx.roles.some((r) => r.userId === user.id && r.isActive);
  if (user.isStaff || targetIsCourseStaff) return true;
  if (course.inviteOnly) return false;
  return isEnrollmentOpen(course, now);
}

function auditFacts(
  principal: Principal,
  user: { id: number; email: string },
  courseId: string,
  body: Record<string, unknown>,
  requestedMode: string | null,
  requestedIsActive: boolean | null,
  result: { mode: string; isActive: boolean },
  now: number,
): AuditFacts {
  return {
    courseId,
    userId: user.id,
    enrolledEmail: user.email,
    enrolledBy: principal.user?.username ?? null,
    timeStamp: now,
    reason: typeof body.reason === 'string' ? body.reason : null,
    source: 'enrollment_api',
    requestedMode,
    requestedIsActive,
    actualMode: result.mode,
    actualIsActive: result.isActive,
  };
}
