import { ENROLLMENT_STATE, stateOf as enrollmentStateOf, transition } from '../enrollments/transitions';
import { isValidEmail } from '../lib/email';
import type { MessageKind } from './notifications';

// Pure per-course processing of docs/api/bulk-enroll.md#processing and #cohorts: from the state
// read up front, compute each identifier's result in request order (so a duplicate sees its
// predecessor's effect) and the net changes to write. Nothing here touches storage.

export interface KnownUser {
  id: number;
  username: string;
  email: string;
  name: string;
  isActive: boolean;
  language: string | null;
}

export interface CourseState {
  courseId: string;
  defaultMode: string;
  /** Enrollments of the users involved, by user id. */
  enrollments: Map<number, { mode: string; isActive: boolean }>;
  /** Allowances of the e-mails involved, by e-mail. */
  allowances: Map<string, { autoEnroll: boolean; userId: number | null }>;
  /** Current cohort name of the users involved, by user id. */
  cohortOf: Map<number, string>;
  /** The cohort this course is paired with in the request, if any. */
  cohort: { id: number; name: string } | null;
}

export type BulkAction = 'enroll' | 'unenroll';

export interface PlanInput {
  action: BulkAction;
  autoEnroll: boolean;
  emailStudents: boolean;
  identifiers: readonly string[];
  /** Resolution (#resolving: username or e-mail, retirement applied), by identifier. */
  userOf: (identifier: string) => KnownUser | null;
  retiredEmails: ReadonlySet<string>;
}

export interface State {
  user: boolean;
  enrollment: boolean;
  allowed: boolean;
  auto_enroll: boolean;
  cohort?: string | null;
}

export type Result =
  | { identifier: string; before: State; after: State }
  | { identifier: string; invalidIdentifier: true }
  | { identifier: string; error: true };

export interface PlannedMessage {
  kind: MessageKind;
  to: string;
  fullName: string | null;
  language: string | null;
}

export interface CoursePlan {
  results: Result[];
  /** Users to be actively enrolled at the end (rows not active at write time get the default mode). */
  activate: number[];
  /** Users to be unenrolled at the end (no-op for rows not active at write time). */
  deactivate: number[];
  allowanceUpserts: { email: string; autoEnroll: boolean }[];
  allowanceDeletes: string[];
  memberships: { userId: number; cohortId: number }[];
  preassignments: { email: string; cohortId: number }[];
  /**
   * `derive`: the first record of an e-mail in the course takes its "from" state from the database
   * at write time (inside the batch), so it stays true when a concurrent request changed the
   * learner after this request read; later occurrences follow from it.
   */
  audits: { email: string; userId: number | null; transition: string; derive: BulkAction | null }[];
  messages: PlannedMessage[];
  /** The course's state after this pass (a course listed twice continues from it). */
  nextState: CourseState;
}

/** The course's state as the identifiers before the current one left it, and what they produced. */
interface Working {
  input: PlanInput;
  state: CourseState;
  enrollments: Map<number, { mode: string; isActive: boolean }>;
  allowances: Map<string, { autoEnroll: boolean; userId: number | null }>;
  cohortOf: Map<number, string>;
  preassigned: Map<string, number>;
  touchedUsers: Set<number>;
  touchedEmails: Set<string>;
  audited: Set<string>;
  results: Result[];
  audits: CoursePlan['audits'];
  messages: PlannedMessage[];
}

export function planCourse(input: PlanInput, state: CourseState): CoursePlan {
  const w: Working = {
    input,
    state,
    enrollments: new Map(state.enrollments),
    allowances: new Map(state.allowances),
    cohortOf: new Map(state.cohortOf),
    preassigned: new Map(),
    touchedUsers: new Set(),
    touchedEmails: new Set(),
    audited: new Set(),
    results: [],
    audits: [],
    messages: [],
  };
  for (const identifier of input.identifiers) planIdentifier(w, identifier);
  return finishPlan(w);
}

function currentState(w: Working, email: string, user: KnownUser | null): State {
  const allowance = w.allowances.get(email);
  const allowed = !!allowance && (user === null || allowance.userId === null || allowance.userId === user.id);
  return {
    user: user !== null,
    enrollment: user !== null && w.enrollments.get(user.id)?.isActive === true,
    allowed,
    auto_enroll: allowed && allowance?.autoEnroll === true,
  };
}

function queueMessage(w: Working, kind: MessageKind, to: string, user: KnownUser | null) {
  if (w.input.emailStudents)
    w.messages.push({ kind, to, fullName: user?.name || null, language: user?.language ?? null });
}

const fromState = (before: State) => enrollmentStateOf({ active: before.enrollment, allowed: before.allowed });

function planIdentifier(w: Working, identifier: string) {
  const user = w.input.userOf(identifier);
  const email = user ? user.email : identifier;
  if (!isValidEmail(email)) {
    w.results.push({ identifier, invalidIdentifier: true });
    return;
  }
  const before = currentState(w, email, user);
  const audit = w.input.action === 'enroll' ? planEnroll(w, email, user, before) : planUnenroll(w, email, user, before);
  const after = currentState(w, email, user);
  const cohort = w.state.cohort;
  if (cohort && (after.enrollment || after.allowed)) {
    // Registered users move into the cohort; e-mails without an account are pre-assigned.
    before.cohort = user ? (w.cohortOf.get(user.id) ?? null) : null;
    if (user) w.cohortOf.set(user.id, cohort.name);
    else w.preassigned.set(email, cohort.id);
    after.cohort = cohort.name;
  }
  w.audits.push({ email, userId: user?.id ?? null, ...audit, derive: w.audited.has(email) ? null : audit.derive });
  w.audited.add(email);
  w.results.push({ identifier, before, after });
}

type PlannedTransition = { transition: string; derive: BulkAction | null };

function planEnroll(w: Working, email: string, user: KnownUser | null, before: State): PlannedTransition {
  if (user?.isActive) {
    if (!before.enrollment) w.enrollments.set(user.id, { mode: w.state.defaultMode, isActive: true });
    // Written whatever was read: the write itself only changes a row that is not active then.
    w.touchedUsers.add(user.id);
    queueMessage(w, 'enrolled_enroll', email, user);
    return { transition: transition(fromState(before), ENROLLMENT_STATE.enrolled), derive: 'enroll' };
  }
  if (w.input.retiredEmails.has(email)) return { transition: 'N/A', derive: null };
  const existing = w.allowances.get(email);
  w.allowances.set(email, { autoEnroll: w.input.autoEnroll, userId: existing?.userId ?? null });
  w.touchedEmails.add(email);
  queueMessage(w, 'allowed_enroll', email, user);
  return { transition: transition(ENROLLMENT_STATE.unenrolled, ENROLLMENT_STATE.allowed), derive: null };
}

function planUnenroll(w: Working, email: string, user: KnownUser | null, before: State): PlannedTransition {
  // Deactivation and withdrawal are written whatever was read (no-ops when nothing is there),
  // so a concurrent enroll committed after this request read cannot survive it unrecorded.
  if (user) {
    const current = w.enrollments.get(user.id);
    if (current) w.enrollments.set(user.id, { ...current, isActive: false });
    w.touchedUsers.add(user.id);
  }
  w.touchedEmails.add(email);
  if (before.enrollment) queueMessage(w, 'enrolled_unenroll', email, user);
  if (before.allowed) {
    w.allowances.delete(email);
    queueMessage(w, 'allowed_unenroll', email, user);
  }
  return {
    transition: transition(fromState(before), ENROLLMENT_STATE.unenrolled),
    derive: 'unenroll',
  };
}

/** The net changes: each touched learner's and e-mail's final state, and the cohort moves. */
function finishPlan(w: Working): CoursePlan {
  const { state } = w;
  const activate: number[] = [];
  const deactivate: number[] = [];
  for (const userId of w.touchedUsers) {
    if (w.enrollments.get(userId)?.isActive === true) activate.push(userId);
    else deactivate.push(userId);
  }
  const allowanceUpserts: CoursePlan['allowanceUpserts'] = [];
  const allowanceDeletes: string[] = [];
  for (const email of w.touchedEmails) {
    const allowance = w.allowances.get(email);
    if (allowance) allowanceUpserts.push({ email, autoEnroll: allowance.autoEnroll });
    else allowanceDeletes.push(email);
  }
  const cohortId = state.cohort?.id;
  const memberships =
    cohortId === undefined
      ? []
      : [...w.cohortOf]
          .filter(([userId, name]) => state.cohortOf.get(userId) !== name)
          .map(([userId]) => ({ userId, cohortId }));
  return {
    results: w.results,
    activate,
    deactivate,
    allowanceUpserts,
    allowanceDeletes,
    memberships,
    preassignments: [...w.preassigned].map(([email, id]) => ({ email, cohortId: id })),
    audits: w.audits,
    messages: w.messages,
    nextState: { ...state, enrollments: w.enrollments, allowances: w.allowances, cohortOf: w.cohortOf },
  };
}
