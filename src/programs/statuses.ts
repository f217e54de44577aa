// Pure rules of docs/api/programs.md: status sets, per-record decisions of the write endpoints
// (#write, #course-write with #course-enrollments-made and #p13), realisation planning (#realisation) and the
// status code of a write answer. No I/O here: services load facts, these functions decide.

/** Program enrollment statuses (#statuses); `ended` comes from later upstream (#adopted). */
export const PROGRAM_STATUSES = ['enrolled', 'pending', 'suspended', 'canceled', 'ended'] as const;
export type ProgramStatus = (typeof PROGRAM_STATUSES)[number];

/** Statuses that make a program show in a learner's read-only access list (#statuses "active"). */
export const ACTIVE_PROGRAM_STATUSES: readonly ProgramStatus[] = ['enrolled', 'pending'];

export const COURSE_STATUSES = ['active', 'inactive'] as const;
export type CourseStatus = (typeof COURSE_STATUSES)[number];

/** `MAX_ENROLLMENT_RECORDS` (#record-limit). */
export const MAX_ENROLLMENT_RECORDS = 25;

export const RESULT = {
  duplicated: 'duplicated',
  conflict: 'conflict',
  invalidStatus: 'invalid-status',
  notInProgram: 'not-in-program',
  notFound: 'not-found',
} as const;

/** Every error result upstream defines (the last three are never produced here). */
export const ERROR_RESULTS: ReadonlySet<string> = new Set([
  ...Object.values(RESULT),
  'illegal-operation',
  'internal-error',
]);

export type WriteMethod = 'POST' | 'PATCH' | 'PUT';

/**
 * #write step 5 / #course-write step 6: no success → 422; some → 207; all → `allSucceeded` (201 for a program
 * POST, 200 otherwise). An empty request has no success: 422.
 */
export function writeStatus(results: Record<string, string>, allSucceeded: 200 | 201): 200 | 201 | 207 | 422 {
  const values = Object.values(results);
  const good = values.filter((v) => !ERROR_RESULTS.has(v)).length;
  if (good === 0) return 422;
  return good === values.length ? allSucceeded : 207;
}

// ---- program enrollments (#write step 4) ----

export type ProgramDecision =
  | { result: typeof RESULT.conflict | typeof RESULT.notInProgram }
  | { action: 'create' | 'update' };

/**
 * `existing`: the program's enrollment for the key (any curriculum). `userTaken`: creating would give
 * the key's linked user a second enrollment in the program (another key of theirs is enrolled):
 * upstream's unique (user, program, curriculum) would fail with a 500; this service answers `conflict`.
 */
export function decideProgramRecord(method: WriteMethod, existing: boolean, userTaken: boolean): ProgramDecision {
  if (existing) return method === 'POST' ? { result: RESULT.conflict } : { action: 'update' };
  if (method === 'PATCH') return { result: RESULT.notInProgram };
  return userTaken ? { result: RESULT.conflict } : { action: 'create' };
}

// ---- course enrollments (#course-enrollments-made, #course-write step 4, #p13) ----

/** The learner's course enrollment in the run, whatever its state. */
export interface CurrentEnrollment {
  mode: string;
  isActive: boolean;
}

export type LinkPlan =
  | { kind: 'conflict' }
  /** Store the status only: no course enrollment is touched or linked. */
  | { kind: 'status-only' }
  /** Write the learner's enrollment in the run as given and link it to the row. */
  | { kind: 'link'; mode: string; isActive: boolean };

/** Modes upgraded to `masters` when an active enrollment is reused (#course-enrollments-made). */
const UPGRADED_MODES = new Set(['audit', 'honor']);

/**
 * Enrolling a realised learner for a program-course enrollment (#course-enrollments-made): reuse an active
 * enrollment (audit/honor become masters, other modes stay), else enroll or re-activate in
 * `masters`; `inactive` deactivates it. `heldElsewhere`: the learner is active in this run through
 * another program (#p13: one active program-course enrollment per run) — an `active` request is a
 * `conflict`; an `inactive` one is stored without touching the other program's course enrollment.
 * An inactive enrollment of another program is taken over (its link moves here).
 */
export function planCourseLink(
  status: CourseStatus,
  current: CurrentEnrollment | null,
  heldElsewhere: boolean,
): LinkPlan {
  if (heldElsewhere) return status === 'active' ? { kind: 'conflict' } : { kind: 'status-only' };
  const mode = current?.isActive ? (UPGRADED_MODES.has(current.mode) ? 'masters' : current.mode) : 'masters';
  return { kind: 'link', mode, isActive: status === 'active' };
}

export interface CourseRecordFacts {
  /** The program enrollment for (program, key), any curriculum; `userId` null when waiting. */
  programEnrollment: { userId: number | null } | null;
  /** Its program-course enrollment for this run; `linked`: it has a course enrollment. */
  courseEnrollment: { status: CourseStatus; linked: boolean } | null;
  /** The learner's enrollment in the run (realised only). */
  current: CurrentEnrollment | null;
  /** The learner is active in the run through another program (realised only). */
  heldElsewhere: boolean;
}

export type CourseDecision =
  | { result: typeof RESULT.conflict | typeof RESULT.notInProgram | typeof RESULT.notFound }
  | {
      result: CourseStatus;
      /** What happens to the program-course enrollment row. */
      row: 'create' | 'update' | 'none';
      /** The learner's course enrollment to write and link, or null. */
      enrollment: { mode: string; isActive: boolean } | null;
    };

function withPlan(status: CourseStatus, row: 'create' | 'update', plan: LinkPlan): CourseDecision {
  if (plan.kind === 'conflict') return { result: RESULT.conflict };
  const enrollment = plan.kind === 'link' ? { mode: plan.mode, isActive: plan.isActive } : null;
  return { result: status, row, enrollment };
}

/** #course-write step 4 for one valid, non-duplicated record. */
export function decideCourseRecord(
  method: WriteMethod,
  status: CourseStatus,
  facts: CourseRecordFacts,
): CourseDecision {
  const parent = facts.programEnrollment;
  if (!parent) return { result: RESULT.notInProgram };
  const row = facts.courseEnrollment;
  if (row && method === 'POST') return { result: RESULT.conflict };
  if (!row && method === 'PATCH') return { result: RESULT.notFound };
  if (!row) {
    if (parent.userId === null) return { result: status, row: 'create', enrollment: null };
    return withPlan(status, 'create', planCourseLink(status, facts.current, facts.heldElsewhere));
  }
  // change_status (#course-enrollments-made): the same status is a no-op.
  if (row.status === status) return { result: status, row: 'none', enrollment: null };
  if (parent.userId === null) return { result: status, row: 'update', enrollment: null };
  if (row.linked) {
    // Activate / deactivate the linked enrollment, mode untouched.
    const enrollment = facts.current ? { mode: facts.current.mode, isActive: status === 'active' } : null;
    return { result: status, row: 'update', enrollment };
  }
  // A realised row without a course enrollment (stored while another program held the run).
  return withPlan(status, 'update', planCourseLink(status, facts.current, facts.heldElsewhere));
}

// ---- realisation (#realisation) ----

export interface WaitingCourseEnrollment {
  id: number;
  courseKey: string;
  status: CourseStatus;
  /** The run is in the catalog (course enrollment possible). */
  runExists: boolean;
}

export type RealisationPlan =
  | { ok: true; links: { id: number; courseKey: string; mode: string; isActive: boolean }[] }
  | { ok: false; courseKey: string; reason: 'course_does_not_exist' | 'conflict' };

/**
 * Course enrollments of the program enrollments a new link realises (#realisation step 3). `current` and
 * `heldElsewhere` describe the learner before the link, per run. A failure aborts the whole link
 * (#realisation step 4): a run missing from the catalog, or an `active` row for a run the learner is active in
 * through another program (or through two of the realised programs at once). Active rows are planned
 * first, so an inactive row of the same run never takes the enrollment from an active one.
 */
export function planRealisation(
  rows: readonly WaitingCourseEnrollment[],
  current: ReadonlyMap<string, CurrentEnrollment>,
  heldElsewhere: ReadonlySet<string>,
): RealisationPlan {
  const links: { id: number; courseKey: string; mode: string; isActive: boolean }[] = [];
  const claimed = new Set<string>();
  const ordered = [...rows].sort((a, b) => (a.status === b.status ? a.id - b.id : a.status === 'active' ? -1 : 1));
  for (const row of ordered) {
    if (!row.runExists) return { ok: false, courseKey: row.courseKey, reason: 'course_does_not_exist' };
    if (claimed.has(row.courseKey)) {
      // The run's enrollment is already linked to a row planned above (active first).
      if (row.status === 'active') return { ok: false, courseKey: row.courseKey, reason: 'conflict' };
      continue;
    }
    const plan = planCourseLink(row.status, current.get(row.courseKey) ?? null, heldElsewhere.has(row.courseKey));
    if (plan.kind === 'conflict') return { ok: false, courseKey: row.courseKey, reason: 'conflict' };
    if (plan.kind === 'link') {
      links.push({ id: row.id, courseKey: row.courseKey, mode: plan.mode, isActive: plan.isActive });
      claimed.add(row.courseKey);
    }
  }
  return { ok: true, links };
}
