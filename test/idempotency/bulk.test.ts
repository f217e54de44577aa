import { describe, expect, it } from 'vitest';
import { BULK, createLearner, outboxRows, staffHeader } from '../helpers/bulk-fixtures';
import { auditRows, createCourse, enrollmentRows } from '../helpers/fixtures';
import { call, dbQueries } from '../helpers/request';
import { eventsOf, keyed, newKey } from './support';

// docs/api/idempotency.md#replay: a retried bulk enroll (form and CSV bodies) sends its e-mails once.

async function setting() {
  const course = await createCourse({ name: 'Idempotent Bulk' });
  const learner = await createLearner();
  return { course, learner, headers: await staffHeader() };
}

const form = (fields: Record<string, string>, headers: Record<string, string>, path = BULK) =>
  call(path, {
    method: 'POST',
    body: new URLSearchParams(fields).toString(),
    headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
  });

const csv = (text: string, query: Record<string, string>, headers: Record<string, string>) =>
  call(`${BULK}?${new URLSearchParams(query)}`, {
    method: 'POST',
    body: text,
    headers: { ...headers, 'Content-Type': 'text/csv' },
  });

async function effectsOf(courseId: string) {
  return {
    enrollments: (await enrollmentRows(courseId)).length,
    audit: (await auditRows(courseId)).length,
    outbox: (await outboxRows(courseId)).length,
    events: (await eventsOf(courseId)).length,
  };
}

describe('bulk enroll retried with the same key', () => {
  it('form body: the second call replays; one enrollment, one audit record, one e-mail', async () => {
    const { course, learner, headers } = await setting();
    const key = newKey();
    const fields = { identifiers: learner.email, courses: course.id, action: 'enroll', email_students: 'true' };
    const first = await form(fields, keyed(key, headers));
    expect(first.status, first.text).toBe(200);
    const second = await form(fields, keyed(key, headers));
    expect(second.status).toBe(200);
    expect(second.headers.get('Idempotent-Replayed')).toBe('true');
    expect(second.text).toBe(first.text);
    expect(await effectsOf(course.id)).toMatchObject({ enrollments: 1, audit: 1, outbox: 1 });
    // Without a key the same retry would have queued the notice again (the upstream behaviour).
    await form(fields, headers);
    expect((await outboxRows(course.id)).length).toBe(2);
  });

  it('CSV body: the second call replays and sends nothing again; another CSV with the key is 422', async () => {
    const { course, learner, headers } = await setting();
    const key = newKey();
    const query = { courses: course.id, action: 'enroll', email_students: 'true' };
    const text = `identifier\n${learner.username}\n`;
    const first = await csv(text, query, keyed(key, headers));
    expect(first.status, first.text).toBe(200);
    const events = (await effectsOf(course.id)).events;
    const second = await csv(text, query, keyed(key, headers));
    expect(second.headers.get('Idempotent-Replayed')).toBe('true');
    expect(second.text).toBe(first.text);
    expect(await effectsOf(course.id)).toEqual({ enrollments: 1, audit: 1, outbox: 1, events });
    const other = await csv(`identifier\n${learner.email}\n`, query, keyed(key, headers));
    expect(other.status).toBe(422);
    expect(other.body.error_code).toBe('idempotency_key_reused');
  });

  it('round trips: with a key ≤ without + 1, first call and replay', async () => {
    const { course, headers } = await setting();
    const [a, b] = [await createLearner(), await createLearner()];
    const plain = await form({ identifiers: a.email, courses: course.id, action: 'enroll' }, headers);
    const key = newKey();
    const fields = { identifiers: b.email, courses: course.id, action: 'enroll' };
    const first = await form(fields, keyed(key, headers));
    const replay = await form(fields, keyed(key, headers));
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(dbQueries(first.headers)).toBeLessThanOrEqual(dbQueries(plain.headers) + 1);
    expect(dbQueries(replay.headers)).toBeLessThanOrEqual(dbQueries(plain.headers) + 1);
  });
});
