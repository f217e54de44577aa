import { isValidEmail } from './identifiers';
import type { MessageKind } from './notifications';

// Pure per-course processing of bulk-enroll.md §5–§6: from the state read up front, compute each
// identifier's result in request order (so a duplicate sees its predecessor's effect) and the net
// changes to write. Nothing here touches storage.

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

export interface PlanInput {
  action: 'enroll' | 'unenroll';
  autoEnroll: boolean;
  emailStudents: boolean;
  identifiers: readonly string[];
  /** Resolution of §5.1 (username or e-mail, retirement applied), by identifier. */
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
  audits: { email: string; userId: number | null; transition: string; derive: 'enroll' | 'unenroll' | null }[];
  messages: PlannedMessage[];
  /** The course's state after this pass (a course listed twice continues from it). */
  nextState: CourseState;
}

export function planCourse(input: PlanInput, state: CourseState): CoursePlan {
  const enrollments = new Map(state.enrollments);
  const allowances = new Map(state.allowances);
  const cohortOf = new Map(state.cohortOf);
  const preassigned = new Map<string, number>();
  const results: Result[] = [];
  const audits: CoursePlan['audits'] = [];
  const messages: PlannedMessage[] = [];
  const touchedUsers = new Set<number>();
  const touchedEmails = new Set<string>();
  const audited = new Set<string>();

  const stateOf = (email: string, user: KnownUser | null): State => {
    const allowance = allowances.get(email);
    const allowed = !!allowance && (user === null || allowance.userId === null || allowance.userId === user.id);
    return {
      user: user !== null,
      enrollment: user !== null && enrollments.get(user.id)?.isActive === true,
      allowed,
      auto_enroll: allowed && allowance?.autoEnroll === true,
    };
  };
  const message = (kind: MessageKind, to: string, user: KnownUser | null) => {
    if (input.emailStudents)
      messages.push({ kind, to, fullName: user?.name || null, language: user?.language ?? null });
  };

  for (const identifier of input.identifiers) {
    const user = input.userOf(identifier);
    const email = user ? user.email : identifier;
    if (!isValidEmail(email)) {
      results.push({ identifier, invalidIdentifier: true });
      continue;
    }
    const before = stateOf(email, user);
    let transition = 'N/A';
    let derive: 'enroll' | 'unenroll' | null = null;
    if (input.action === 'enroll') {
      if (user?.isActive) {
        transition = before.enrollment
          ? 'from enrolled to enrolled'
          : before.allowed
            ? 'from allowed to enroll to enrolled'
            : 'from unenrolled to enrolled';
        derive = 'enroll';
        if (!before.enrollment) enrollments.set(user.id, { mode: state.defaultMode, isActive: true });
        // Written whatever was read: the write itself only changes a row that is not active then.
        touchedUsers.add(user.id);
        message('enrolled_enroll', email, user);
      } else if (!input.retiredEmails.has(email)) {
        transition = 'from unenrolled to allowed to enroll';
        const existing = allowances.get(email);
        allowances.set(email, { autoEnroll: input.autoEnroll, userId: existing?.userId ?? null });
        touchedEmails.add(email);
        message('allowed_enroll', email, user);
      }
    } else {
      transition = before.enrollment
        ? 'from enrolled to unenrolled'
        : before.allowed
          ? 'from allowed to enroll to unenrolled'
          : 'from unenrolled to unenrolled';
      derive = 'unenroll';
      // Deactivation and withdrawal are written whatever was read (no-ops when nothing is there),
      // so a concurrent enroll committed after this request read cannot survive it unrecorded.
      if (user) {
        const current = enrollments.get(user.id);
        if (current) enrollments.set(user.id, { ...current, isActive: false });
        touchedUsers.add(user.id);
      }
      touchedEmails.add(email);
      if (before.enrollment) message('enrolled_unenroll', email, user);
      if (before.allowed) {
        allowances.delete(email);
        message('allowed_unenroll', email, user);
      }
    }
    const after = stateOf(email, user);
    if (state.cohort && (after.enrollment || after.allowed)) {
      // §6: registered users move into the cohort; e-mails without an account are pre-assigned.
      before.cohort = user ? (cohortOf.get(user.id) ?? null) : null;
      if (user) cohortOf.set(user.id, state.cohort.name);
      else preassigned.set(email, state.cohort.id);
      after.cohort = state.cohort.name;
    }
    audits.push({ email, userId: user?.id ?? null, transition, derive: audited.has(email) ? null : derive });
    audited.add(email);
    results.push({ identifier, before, after });
  }

  const activate: number[] = [];
  const deactivate: number[] = [];
  for (const userId of touchedUsers) {
    if (enrollments.get(userId)?.isActive === true) activate.push(userId);
    else deactivate.push(userId);
  }
  const allowanceUpserts: CoursePlan['allowanceUpserts'] = [];
  const allowanceDeletes: string[] = [];
  for (const email of touchedEmails) {
    const now = allowances.get(email);
    if (now) allowanceUpserts.push({ email, autoEnroll: now.autoEnroll });
    else allowanceDeletes.push(email);
  }
  const cohortId = state.cohort?.id;
  const memberships =
    cohortId === undefined
      ? []
      : [...cohortOf]
          .filter(([userId, name]) => state.cohortOf.get(userId) !== name)
          .map(([userId]) => ({ userId, cohortId }));
  return {
    results,
    activate,
    deactivate,
    allowanceUpserts,
    allowanceDeletes,
    memberships,
    preassignments: [...preassigned].map(([email, id]) => ({ email, cohortId: id })),
    audits,
    messages,
    nextState: { ...state, enrollments, allowances, cohortOf },
  };
}
