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
  /** Users to make actively enrolled (in the default mode: none of them was active before). */
  activate: number[];
  deactivate: number[];
  allowanceUpserts: { email: string; autoEnroll: boolean }[];
  allowanceDeletes: string[];
  memberships: { userId: number; cohortId: number }[];
  preassignments: { email: string; cohortId: number }[];
  audits: { email: string; userId: number | null; transition: string }[];
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
    if (input.action === 'enroll') {
      if (user?.isActive) {
        transition = before.enrollment
          ? 'from enrolled to enrolled'
          : before.allowed
            ? 'from allowed to enroll to enrolled'
            : 'from unenrolled to enrolled';
        if (!before.enrollment) {
          enrollments.set(user.id, { mode: state.defaultMode, isActive: true });
          touchedUsers.add(user.id);
        }
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
      if (before.enrollment && user) {
        const current = enrollments.get(user.id);
        if (current) enrollments.set(user.id, { ...current, isActive: false });
        touchedUsers.add(user.id);
        message('enrolled_unenroll', email, user);
      }
      if (before.allowed) {
        allowances.delete(email);
        touchedEmails.add(email);
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
    audits.push({ email, userId: user?.id ?? null, transition });
    results.push({ identifier, before, after });
  }

  const activate: number[] = [];
  const deactivate: number[] = [];
  for (const userId of touchedUsers) {
    const was = state.enrollments.get(userId)?.isActive === true;
    const is = enrollments.get(userId)?.isActive === true;
    if (is && !was) activate.push(userId);
    if (was && !is) deactivate.push(userId);
  }
  const allowanceUpserts: CoursePlan['allowanceUpserts'] = [];
  const allowanceDeletes: string[] = [];
  for (const email of touchedEmails) {
    const now = allowances.get(email);
    if (now) allowanceUpserts.push({ email, autoEnroll: now.autoEnroll });
    else if (state.allowances.has(email)) allowanceDeletes.push(email);
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
