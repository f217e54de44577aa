import { describe, expect, it } from 'vitest';
import { BULK, createLearner, outboxRows, staffHeader } from '../helpers/bulk-fixtures';
import { auditRows, createCourse, enrollmentRows } from '../helpers/fixtures';
import { call } from '../helpers/request';
import { effects, enrollCall, eventsOf, keyed, learnerAndCourse, newKey } from './support';

// docs/api/idempotency.md#concurrency: many identical requests with one key at once → exactly one
// effect; every other answer is the replay or 409 `idempotency_key_in_use` with Retry-After.

describe('100 concurrent requests with one key', () => {
  it('bulk enroll with e-mail: one enrollment, one audit record, one outbox row, one event of each kind', async () => {
    const course = await createCourse({ name: 'Concurrent' });
    const learner = await createLearner();
    const headers = keyed(newKey(), await staffHeader());
    const json = { identifiers: learner.email, courses: course.id, action: 'enroll', email_students: true };
    const answers = await Promise.all(Array.from({ length: 100 }, () => call(BULK, { method: 'POST', json, headers })));

    const firsts = answers.filter((a) => a.status === 200 && !a.headers.has('Idempotent-Replayed'));
    const replays = answers.filter((a) => a.status === 200 && a.headers.get('Idempotent-Replayed') === 'true');
    const inUse = answers.filter((a) => a.status === 409);
    expect(firsts).toHaveLength(1);
    expect(replays.length + inUse.length).toBe(99);
    for (const replay of replays) expect(replay.text).toBe(firsts[0]?.text);
    for (const busy of inUse) {
      expect(busy.body.error_code).toBe('idempotency_key_in_use');
      expect(busy.headers.get('Retry-After')).toBe('1');
    }

    expect(await enrollmentRows(course.id)).toHaveLength(1);
    expect(await auditRows(course.id)).toHaveLength(1);
    expect(await outboxRows(course.id)).toHaveLength(1);
    const types = (await eventsOf(course.id)).map((e) => e.type);
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(types).size).toBe(types.length);
  });

  it('E5 POST as the learner: one enrollment, one audit record, one event; the others replay or 409', async () => {
    const { course, headers } = await learnerAndCourse();
    const withKey = keyed(newKey(), headers);
    const answers = await Promise.all(Array.from({ length: 100 }, () => enrollCall(course, withKey)));
    const statuses = answers.map((a) => (a.headers.has('Idempotent-Replayed') ? 'replay' : String(a.status)));
    expect(statuses.filter((s) => s === '200')).toHaveLength(1);
    expect(statuses.filter((s) => s !== 'replay' && s !== '409')).toEqual(['200']);
    expect(await effects(course.id)).toEqual({ enrollments: 1, audit: 1, events: 1 });
  });
});
