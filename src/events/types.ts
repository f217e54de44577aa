// The event types (docs/events.md#types): openedx-events names where upstream defines one.
export const EVENT_TYPES = [
  'org.openedx.learning.course.enrollment.created.v1',
  'org.openedx.learning.course.enrollment.changed.v1',
  'org.openedx.learning.course.unenrollment.completed.v1',
  'org.openedx.learning.cohort_membership.changed.v1',
  'edge.program.enrollment.changed.v1',
  'edge.program.course_enrollment.changed.v1',
  'edge.notification.email.v1',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export const isEventType = (value: string): value is EventType => (EVENT_TYPES as readonly string[]).includes(value);

/** A work item on the EVENTS queue: fan new events out, or attempt one delivery. */
export type EventsMessage = { kind: 'dispatch' } | { kind: 'deliver'; subscription: string; seq: number };
