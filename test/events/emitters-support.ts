import { env } from 'cloudflare:test';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config';
import { call } from '../helpers/request';
import { apiKeyHeader } from '../helpers/tokens';

/** Helpers of the emitter tests (docs/events.md#types): every event is read back through the pull feed. */
export const T = {
  created: 'org.openedx.learning.course.enrollment.created.v1',
  changed: 'org.openedx.learning.course.enrollment.changed.v1',
  unenrolled: 'org.openedx.learning.course.unenrollment.completed.v1',
  cohort: 'org.openedx.learning.cohort_membership.changed.v1',
  program: 'edge.program.enrollment.changed.v1',
  programCourse: 'edge.program.course_enrollment.changed.v1',
  email: 'edge.notification.email.v1',
} as const;

export interface Envelope {
  specversion: string;
  id: string;
  seq: number;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read each type's own data shape
  data: any;
}

export interface FeedFilter {
  course_id?: string;
  username?: string;
  type?: string[];
  after?: number;
  /** Page size (default 1000). */
  limit?: number;
}

/** Every event the feed holds for the filter after `after` (default 0), following `next_after` until `has_more` is false. */
export async function feed(filter: FeedFilter): Promise<Envelope[]> {
  const events: Envelope[] = [];
  let after = filter.after ?? 0;
  for (;;) {
    const query = new URLSearchParams({ after: String(after), limit: String(filter.limit ?? 1000) });
    if (filter.course_id !== undefined) query.set('course_id', filter.course_id);
    if (filter.username !== undefined) query.set('username', filter.username);
    if (filter.type) query.set('type', filter.type.join(','));
    const res = await call(`/api/events/v1/changes?${query}`, { headers: apiKeyHeader });
    expect(res.status, res.text).toBe(200);
    events.push(...res.body.events);
    if (!res.body.has_more) return events;
    after = res.body.next_after;
  }
}

export const ofCourse = (courseId: string, type?: string[]) => feed({ course_id: courseId, type });
export const ofUser = (username: string, type?: string[]) => feed({ username, type });
export const typesOf = (events: readonly Envelope[]) => events.map((e) => e.type);

/**
 * The log's last `seq` now. E-mails and the program enrollments of waiting learners carry neither a
 * course run nor a username the feed could filter on, so they are read from this cursor instead.
 */
export async function logEnd(): Promise<number> {
  const row = await env.DB.prepare('select coalesce(max(seq), 0) as seq from events').first<{ seq: number }>();
  return row?.seq ?? 0;
}

/** The events of `types` after `cursor` whose `subject` is one of `subjects`. */
export async function bySubject(cursor: number, types: string[], subjects: readonly string[]) {
  return (await feed({ after: cursor, type: types })).filter((e) => subjects.includes(e.subject));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const SOURCE = loadConfig(env).EVENTS_SOURCE;

/** The CloudEvents envelope (docs/events.md#envelope), exactly these attributes. */
export function expectEnvelope(event: Envelope, type: string, subject: string) {
  expect(Object.keys(event).sort()).toEqual(
    ['data', 'datacontenttype', 'id', 'seq', 'source', 'specversion', 'subject', 'time', 'type'].sort(),
  );
  expect(event).toMatchObject({
    specversion: '1.0',
    source: SOURCE,
    type,
    subject,
    datacontenttype: 'application/json',
  });
  expect(event.id).toMatch(UUID);
  expect(Number.isSafeInteger(event.seq) && event.seq > 0).toBe(true);
  expect(new Date(event.time).toISOString()).toBe(event.time);
  // "When the change committed": the database's clock, so only roughly the test's.
  expect(Math.abs(Date.parse(event.time) - Date.now())).toBeLessThan(60_000);
}

/** Strictly increasing, hence also free of duplicates. */
export function expectIncreasingSeqs(events: readonly Envelope[]) {
  const seqs = events.map((e) => e.seq);
  for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1] as number);
}

// ---- expected `data` (docs/events.md#envelope) ---------------------------------------------------

export interface UserFacts {
  id: number;
  username: string;
  email: string;
  name: string;
  isActive: boolean;
}

export const userData = (u: UserFacts) => ({
  id: u.id,
  is_active: u.isActive,
  pii: { username: u.username, email: u.email, name: u.name },
});

/** Seconds precision, as course details show it. */
export const isoSeconds = (ms: number | null) => (ms === null ? null : `${new Date(ms).toISOString().slice(0, 19)}Z`);

export interface CourseFacts {
  id: string;
  courseName: string;
  courseStart: number | null;
  courseEnd: number | null;
}

export const courseData = (c: CourseFacts) => ({
  course_key: c.id,
  display_name: c.courseName,
  start: isoSeconds(c.courseStart),
  end: isoSeconds(c.courseEnd),
});

export interface EnrollmentFacts {
  user: UserFacts;
  course: CourseFacts;
  mode: string;
  isActive: boolean;
  createdAt: number;
  createdBy: UserFacts | null;
  previous: { mode: string; is_active: boolean } | null;
  origin: string;
}

/** `CourseEnrollmentData` of the three course enrollment types. */
export const enrollmentData = (f: EnrollmentFacts) => ({
  user: userData(f.user),
  course: courseData(f.course),
  mode: f.mode,
  is_active: f.isActive,
  creation_date: new Date(f.createdAt).toISOString(),
  created_by: f.createdBy ? userData(f.createdBy) : null,
  previous: f.previous,
  origin: f.origin,
});

export const cohortData = (user: UserFacts, course: CourseFacts, name: string, previousName: string | null) => ({
  user: userData(user),
  course: courseData(course),
  name,
  previous_name: previousName,
});
