import { parseCourseKey } from '../lib/course-key';
import { echo } from '../lib/echo';
import { messageError, notFoundDetail } from '../lib/errors';
import { courseDetailsView, defaultModeSlug, isEnrollmentOpen, isModeAvailable } from './course-modes';
import type { CourseRow, EnrollContext, UserSelector } from './enrollments.repo';
import type { EnrollBody } from './enrollments.schemas';

// The decisions of POST /api/enrollment/v1/enrollment (docs/api/enrollments.md#post-enrollment),
// pure: the steps in their documented order, each refusal thrown as the error it answers. The
// service reads the context in one round trip between `parseEnrollRequest` and `checkTarget`, and
// writes what `decideEnrollment` returns in one atomic batch, so a refused request writes nothing.

export type Attribute = { namespace: string; name: string; value: string };

/** Who is asking, as the rules see it. */
export interface Caller {
  username: string;
  userId: number | null;
  /** The API key or a global-staff user. */
  privileged: boolean;
  globalStaff: boolean;
  apiKey: boolean;
}

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

/** Step 10: an array of `{namespace, name, value}` strings, or null. */
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
export function parseOptIn(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && ['true', 'false'].includes(value.toLowerCase())) {
    return value.toLowerCase() === 'true';
  }
  return null;
}

export interface EnrollRequest {
  body: EnrollBody;
  courseId: string;
  org: string;
  target: UserSelector;
  mode: string | null;
  cohortName: string | null;
}

/**
 * Steps 1–5: the course id, the target, and the modes an unprivileged caller may ask for. The route's
 * schema already refused a missing course id (step 1); the check stays for callers other than HTTP.
 */
export function parseEnrollRequest(body: EnrollBody, caller: Caller): EnrollRequest {
  const rawCourseId = body.course_details?.course_id;
  if (typeof rawCourseId !== 'string' || rawCourseId === '') {
    throw messageError(400, 'Course ID must be specified to create a new enrollment.');
  }
  const key = parseCourseKey(rawCourseId);
  if (!key) throw messageError(400, `No course '${echo(rawCourseId)}' found for enrollment`);

  // Other users' enrollments are invisible to unprivileged callers.
  let target: UserSelector = { username: caller.username };
  if (typeof body.user === 'string' && body.user !== '') target = { username: body.user };
  else if (typeof body.email === 'string' && body.email !== '') {
    if (!caller.privileged) throw notFoundDetail();
    target = { email: body.email };
  }
  if ('username' in target && target.username !== caller.username && !caller.privileged) throw notFoundDetail();

  const mode = optionalSlug(body.mode);
  if (mode !== null && mode !== 'audit' && mode !== 'honor' && !caller.privileged) {
    throw messageError(403, `User does not have permission to create enrollment with mode [${echo(mode)}].`);
  }
  return { body, courseId: key.id, org: key.org, target, mode, cohortName: optionalSlug(body.cohort) };
}

export type TargetUser = NonNullable<EnrollContext['target']>;

/** Steps 6–7: the target exists, and neither the request's nor the profile's country is embargoed. */
export function checkTarget(
  request: EnrollRequest,
  ctx: EnrollContext,
  facts: { apiKey: boolean; requestCountry: string | null; lmsRootUrl: string },
): TargetUser {
  const user = ctx.target;
  if (!user) {
    const { target } = request;
    throw messageError(
      406,
      'email' in target
        ? `The user with the email address ${echo(target.email)} does not exist.`
        : `The user ${echo(target.username)} does not exist.`,
    );
  }
  // A server-to-server call's own country says nothing about the learner.
  const blocked = new Set(ctx.course?.blockedCountries ?? []);
  const countries = [facts.apiKey ? null : facts.requestCountry, user.country].filter((c): c is string => !!c);
  if (countries.some((c) => blocked.has(c.toUpperCase()))) {
    throw messageError(403, `Users from this location cannot access the course '${echo(request.courseId)}'.`, {
      user_message_url: `${facts.lmsRootUrl}/embargo/blocked-message/enrollment/default/`,
    });
  }
  return user;
}

/** What the write batch does, once every check passed. */
export type Decision =
  /** Already enrolled: nothing changes (a trusted service's call is still audited). */
  | { kind: 'unchanged'; course: CourseRow; current: NonNullable<EnrollContext['current']>; isActive: boolean | null }
  | {
      kind: 'write';
      course: CourseRow;
      next: { mode: string; isActive: boolean };
      isActive: boolean | null;
      /** Cohort to join: named in the request, pre-assigned, or random (only if in none yet). */
      cohort: { id: number; onlyIfNone: boolean } | null;
      consumeAllowanceId: number | null;
      attributes: Attribute[];
    };

/** Steps 8–11: the flags, the checks that need the context, then the update or the add branch. */
export function decideEnrollment(
  request: EnrollRequest,
  ctx: EnrollContext,
  caller: Caller,
  now: number,
  random: () => number,
): Decision {
  const { body, mode, cohortName } = request;
  const isActive = optionalBoolean(body.is_active, (v) => `'${echo(v)}' is an invalid enrollment activation status.`);
  const force = optionalBoolean(body.force_enrollment, (v) => `'${echo(v)}' is an invalid force enrollment status.`);
  const attributes = parseAttributes(body.enrollment_attributes) ?? [];
  if (cohortName !== null) {
    const callerIsCourseStaff = ctx.roles.some((r) => r.userId === caller.userId && r.isActive);
    if (!(caller.privileged || callerIsCourseStaff)) {
      throw messageError(403, 'Only course staff or a trusted service may choose a cohort.');
    }
    if (!ctx.cohort) throw messageError(400, `An error occured while adding to cohort [${echo(cohortName)}]`);
  }
  const current = ctx.current;
  const modeChanged = current !== null && mode !== null && mode !== current.mode;
  const activeChanged = current !== null && isActive !== null && isActive !== current.isActive;
  const named = ctx.cohort ? { id: ctx.cohort.id, onlyIfNone: false } : null;
  const allowance = ctx.allowance && ctx.allowance.userId === null ? ctx.allowance.id : null;
  const write = { kind: 'write', isActive, attributes, consumeAllowanceId: allowance } as const;
  if (current && caller.privileged && (modeChanged || activeChanged)) {
    const course = checkUpdate(
      request,
      ctx,
      { current, isActive, modeChanged, activeChanged, attributes },
      caller,
      now,
    );
    const next = { mode: mode ?? current.mode, isActive: isActive ?? current.isActive };
    return { ...write, course, next, cohort: named };
  }
  const forced = force === true && caller.globalStaff;
  const { course, resolved } = checkAdd(request, ctx, { isActive, forced }, now);
  if (current?.isActive) return { kind: 'unchanged', course, current, isActive };
  const next = { mode: resolved, isActive: isActive ?? true };
  return { ...write, course, next, cohort: named ?? cohortOnEnroll(ctx, random) };
}

const courseOrRefuse = (ctx: EnrollContext, courseId: string): CourseRow => {
  if (!ctx.course) throw messageError(400, `No course '${courseId}' found for enrollment`);
  return ctx.course;
};

function refuseUnavailableMode(
  ctx: EnrollContext,
  course: CourseRow,
  slug: string,
  requested: string | null,
  includeExpired: boolean,
  now: number,
) {
  if (isModeAvailable(slug, ctx.modes, includeExpired, now)) return;
  throw messageError(
    400,
    `The [${echo(requested ?? 'None')}] course mode is expired or otherwise unavailable for course run [${course.id}].`,
    { course_details: courseDetailsView(course, ctx.modes, includeExpired, now) },
  );
}

/** The update branch's checks (a privileged caller changes an existing enrollment). */
function checkUpdate(
  { courseId, mode }: EnrollRequest,
  ctx: EnrollContext,
  change: {
    current: { mode: string };
    isActive: boolean | null;
    modeChanged: boolean;
    activeChanged: boolean;
    attributes: Attribute[];
  },
  caller: Caller,
  now: number,
): CourseRow {
  if (change.modeChanged && change.activeChanged && change.isActive === false) {
    throw messageError(
      400,
      `Enrollment mode mismatch: active mode=${change.current.mode}, requested mode=${mode}. Won't deactivate.`,
    );
  }
  if (change.attributes.length > 0 && mode !== null) {
    const given = new Set(change.attributes.map((a) => `${a.namespace}:${a.name}`));
    const required = REQUIRED_ATTRIBUTES[mode] ?? [];
    if (required.some((r) => !given.has(r))) {
      throw messageError(
        400,
        `Missing enrollment attributes: requested mode=${mode} required attributes=[${required.map((r) => `'${r}'`).join(', ')}]`,
      );
    }
  }
  const course = courseOrRefuse(ctx, courseId);
  if (mode === null) return course;
  refuseUnavailableMode(ctx, course, mode, mode, caller.apiKey || change.isActive === false, now);
  return course;
}

const enrollmentError = (username: string, courseId: string) =>
  messageError(
    400,
    `An error occurred while creating the new course enrollment for user '${echo(username)}' in course '${echo(courseId)}'`,
  );

/** The add branch's checks: the course, the mode, who may enroll, and the capacity. */
function checkAdd(
  { courseId, mode }: EnrollRequest,
  ctx: EnrollContext,
  flags: { isActive: boolean | null; forced: boolean },
  now: number,
) {
  const course = courseOrRefuse(ctx, courseId);
  const resolved = mode ?? defaultModeSlug(ctx.modes, now);
  refuseUnavailableMode(ctx, course, resolved, mode, flags.isActive === false || flags.forced, now);
  const user = ctx.target as TargetUser;
  if (!flags.forced && !mayEnroll(ctx, user, course, now)) throw enrollmentError(user.username, courseId);
  const max = course.maxStudentEnrollmentsAllowed;
  if (max !== null && (ctx.activeLearners ?? 0) >= max) throw enrollmentError(user.username, courseId);
  return { course, resolved };
}

/** May the target enroll without force? First matching rule wins. */
function mayEnroll(ctx: EnrollContext, user: TargetUser, course: CourseRow, now: number) {
  if (ctx.allowance) return ctx.allowance.userId === null || ctx.allowance.userId === user.id;
  const targetIsCourseStaff = ctx.roles.some((r) => r.userId === user.id && r.isActive);
  if (user.isStaff || targetIsCourseStaff) return true;
  if (course.inviteOnly) return false;
  return isEnrollmentOpen(course, now);
}

/** A new enrollment without a named cohort joins its pre-assigned one, else a random one. */
function cohortOnEnroll(ctx: EnrollContext, random: () => number) {
  if (ctx.preassignedCohortId !== null) return { id: ctx.preassignedCohortId, onlyIfNone: false };
  if (ctx.randomCohortIds.length === 0) return null;
  const pick = ctx.randomCohortIds[Math.floor(random() * ctx.randomCohortIds.length)] as number;
  return { id: pick, onlyIfNone: true };
}
