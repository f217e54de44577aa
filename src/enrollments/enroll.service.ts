import { placeInCohort, placeInCohortIfNone } from '../cohorts/memberships.repo';
import type { Deps } from '../context';
import { callerUsername, isGlobalStaff, isPrivileged, type Principal } from '../context/principal';
import { runBatch, type Statement } from '../db/batch';
import { type Db, offerAnswer } from '../db/client';
import { ApiError } from '../lib/errors';
import { consumeAllowance } from './allowances.repo';
import {
  type Caller,
  checkTarget,
  type Decision,
  decideEnrollment,
  type EnrollRequest,
  parseEnrollRequest,
  parseOptIn,
  type TargetUser,
} from './enroll.plan';
import { type AuditOrigin, writeEnrollmentStates } from './enrollment-writes.repo';
import {
  type EnrollmentRow,
  enrollmentIs,
  loadEnrollContext,
  readEnrollment,
  setOrgEmailOptIn,
  upsertEnrollmentAttribute,
} from './enrollments.repo';
import type { EnrollBody } from './enrollments.schemas';
import { enrollmentView } from './enrollments.service';

// POST /api/enrollment/v1/enrollment (docs/api/enrollments.md#post-enrollment): parse, read the
// context in one round trip, decide (enroll.plan.ts, pure), write in one atomic batch.

export interface EnrollInput {
  body: EnrollBody;
  /** The request's country (Cloudflare geolocation), null when unknown. */
  requestCountry: string | null;
}

/** What the trusted-service log line reports once the request got past the embargo check. */
interface ChangeRequested {
  courseId: string;
  userId: number;
  requestedMode: string | null;
  requestedActivation: unknown;
  current: { mode: string; isActive: boolean } | null;
}

/**
 * Upstream logs `enrollment_change_requested` for every API-key call from the flags step on,
 * whatever its outcome. Refused calls change nothing in D1, so this structured log line is their
 * trace; successful ones also leave an audit record.
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
    if (principal.apiKey && trace.request) logChangeRequested(trace.request, outcome);
  }
}

function logChangeRequested(r: ChangeRequested, outcome: number | 'error') {
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

const callerOf = (principal: Principal): Caller => ({
  username: callerUsername(principal),
  userId: principal.user?.id ?? null,
  privileged: isPrivileged(principal),
  globalStaff: isGlobalStaff(principal),
  apiKey: principal.apiKey,
});

async function enrollSteps(
  deps: Deps,
  principal: Principal,
  { body, requestCountry }: EnrollInput,
  trace: { request: ChangeRequested | null },
) {
  const caller = callerOf(principal);
  const now = deps.now();
  const request = parseEnrollRequest(body, caller);
  const ctx = await loadEnrollContext(deps.db, {
    target: request.target,
    courseId: request.courseId,
    callerId: caller.userId,
    cohortName: request.cohortName,
  });
  const user = checkTarget(request, ctx, {
    apiKey: caller.apiKey,
    requestCountry,
    lmsRootUrl: deps.config.LMS_ROOT_URL,
  });
  trace.request = {
    courseId: request.courseId,
    userId: user.id,
    requestedMode: request.mode,
    requestedActivation: body.is_active,
    current: ctx.current,
  };
  const decision = decideEnrollment(request, ctx, caller, now, Math.random);
  const origin: AuditOrigin = {
    source: 'enrollment_api',
    actor: principal.user?.username ?? null,
    reason: typeof body.reason === 'string' ? body.reason : null,
    now,
  };
  const db = deps.db;
  if (decision.kind === 'unchanged') {
    // A trusted service's call is recorded even though nothing changes.
    if (caller.apiKey) await runBatch(db, decisionStatements(db, request, user, decision, origin, true));
    return enrollmentView(decision.current, user.username, decision.course, ctx.modes, now);
  }
  const statements = decisionStatements(db, request, user, decision, origin, caller.apiKey);
  // The enrollment as the batch will leave it, unless a concurrent write got in between the reads
  // and the batch: then the key's answer is kept after, at the cost of a round trip.
  const expected = { createdAt: ctx.current?.createdAt ?? now, ...decision.next };
  offerAnswer(
    db,
    { status: 200, json: enrollmentView(expected, user.username, decision.course, ctx.modes, now) },
    enrollmentIs(db, user.id, request.courseId, expected),
  );
  const results = await db.batch([
    ...(statements as [Statement, ...Statement[]]),
    readEnrollment(db, user.id, request.courseId),
  ]);
  const row = (results[results.length - 1] as EnrollmentRow[])[0];
  if (!row) throw new Error('enrollment row missing after write');
  return enrollmentView(row, user.username, decision.course, ctx.modes, now);
}

/** The enrollment (audited), its attributes, cohort, allowance and opt-in: statements for one batch. */
function decisionStatements(
  db: Db,
  request: EnrollRequest,
  user: TargetUser,
  decision: Decision,
  origin: AuditOrigin,
  auditEvery: boolean,
): Statement[] {
  const { courseId } = request;
  const next = decision.kind === 'write' ? decision.next : { mode: decision.current.mode, isActive: true };
  const state = {
    userId: user.id,
    courseId,
    email: user.email,
    ...next,
    requestedMode: request.mode,
    requestedIsActive: decision.isActive,
  };
  const statements = writeEnrollmentStates(db, [state], origin, { auditUnchanged: auditEvery });
  if (decision.kind === 'unchanged') return statements;
  const optIn = parseOptIn(request.body.email_opt_in);
  const { cohort, consumeAllowanceId } = decision;
  return [
    ...statements,
    ...decision.attributes.map((a) => upsertEnrollmentAttribute(db, user.id, courseId, a)),
    ...(cohort ? [(cohort.onlyIfNone ? placeInCohortIfNone : placeInCohort)(db, courseId, user.id, cohort.id)] : []),
    ...(consumeAllowanceId !== null ? [consumeAllowance(db, consumeAllowanceId, user.id)] : []),
    ...(optIn !== null ? [setOrgEmailOptIn(db, user.id, decision.course.org, optIn, origin.now)] : []),
  ];
}
