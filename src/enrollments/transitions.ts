// The audit trail's state-transition rule, once: every writer of enrollment audit records (the
// Enrollment API, bulk, allowance realisation, programs, retirement) derives its text from here,
// in TypeScript (plans) or in SQL (read inside the write batch, enrollment-writes.repo.ts).

/** The states an audit record names, as upstream's ManualEnrollmentAudit spells them. */
export const ENROLLMENT_STATE = {
  enrolled: 'enrolled',
  unenrolled: 'unenrolled',
  allowed: 'allowed to enroll',
} as const;

export type EnrollmentState = (typeof ENROLLMENT_STATE)[keyof typeof ENROLLMENT_STATE];

/**
 * Where a learner stands in a course: an active enrollment wins over an allowance, and both over
 * nothing (an inactive enrollment counts as unenrolled).
 */
export function stateOf(facts: { active: boolean; allowed?: boolean }): EnrollmentState {
  if (facts.active) return ENROLLMENT_STATE.enrolled;
  return facts.allowed ? ENROLLMENT_STATE.allowed : ENROLLMENT_STATE.unenrolled;
}

/** `from <state> to <state>`: the `state_transition` column. */
export const transition = (from: EnrollmentState, to: EnrollmentState) => `from ${from} to ${to}`;

/** The state an activation flag leads to. */
export const targetState = (isActive: boolean): EnrollmentState =>
  isActive ? ENROLLMENT_STATE.enrolled : ENROLLMENT_STATE.unenrolled;
