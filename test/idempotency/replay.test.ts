import { describe, expect, it } from 'vitest';
import { body } from '../enrollments/support';
import { createUser } from '../helpers/fixtures';
import { call, dbQueries, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';
import { ENROLL, effects, enrollCall, keyed, keyRows, learnerAndCourse, newKey } from './support';

// docs/api/idempotency.md#replay, #scope: E5 POST /enrollment with a JSON body.

const REUSED = 'idempotency_key_reused';

describe('replay (JSON, E5 POST /enrollment)', () => {
  it('answers the stored status, body and Content-Type with Idempotent-Replayed, and applies nothing again', async () => {
    const { course, headers } = await learnerAndCourse();
    const key = newKey();
    const first = await enrollCall(course, keyed(key, headers));
    expect(first.status, first.text).toBe(200);
    expect(first.headers.get('Idempotent-Replayed')).toBeNull();
    const before = await effects(course.id);
    expect(before).toEqual({ enrollments: 1, audit: 1, events: 1 });

    for (let i = 0; i < 2; i++) {
      const again = await enrollCall(course, keyed(key, headers));
      expect(again.status).toBe(200);
      expect(again.headers.get('Idempotent-Replayed')).toBe('true');
      expect(again.headers.get('Content-Type')).toBe('application/json');
      expect(again.text).toBe(first.text);
    }
    expect(await effects(course.id)).toEqual(before);
    const [row] = await keyRows(key);
    expect(row).toMatchObject({ method: 'POST', path: ENROLL, status: 200, content_type: 'application/json' });
    expect(row?.body).toBe(first.text);
  });

  it('a retry whose first attempt wrote replays it, even though the state has changed since', async () => {
    const { user, course } = await learnerAndCourse();
    const key = newKey();
    const staff = await jwtHeader(unique('idstaff'), { administrator: true });
    const first = await enrollCall(course, keyed(key, staff), { json: body(course.id, { user: user.username }) });
    expect(first.status, first.text).toBe(200);
    // The learner unenrolls meanwhile; a replay still answers the first (active) enrollment.
    const off = await enrollCall(course, staff, { json: body(course.id, { user: user.username, is_active: false }) });
    expect(off.body.is_active).toBe(false);
    const again = await enrollCall(course, keyed(key, staff), { json: body(course.id, { user: user.username }) });
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.body.is_active).toBe(true);
    expect((await effects(course.id)).audit).toBe(2);
  });

  it('the quoted Structured-Field form and the bare form are the same key', async () => {
    const { course, headers } = await learnerAndCourse();
    const key = newKey();
    const first = await enrollCall(course, keyed(`"${key}"`, headers));
    const again = await enrollCall(course, keyed(key, headers));
    expect(first.status).toBe(200);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
  });

  it('a stored 4xx replays too (nothing written either time)', async () => {
    const { course, headers } = await learnerAndCourse();
    const key = newKey();
    const bad = { course_details: { course_id: `${course.id}x` } };
    const first = await enrollCall(course, keyed(key, headers), { json: bad });
    expect(first.status, first.text).toBe(400);
    const again = await enrollCall(course, keyed(key, headers), { json: bad });
    expect(again.status).toBe(first.status);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await effects(course.id)).toEqual({ enrollments: 0, audit: 0, events: 0 });
  });
});

describe('another payload with the same key: 422 (#reused)', () => {
  it('a different body is refused and nothing is applied; the original still replays', async () => {
    const { course, headers } = await learnerAndCourse();
    const key = newKey();
    await enrollCall(course, keyed(key, headers));
    const other = await enrollCall(course, keyed(key, headers), { json: body(course.id, { mode: 'honor' }) });
    expect(other.status).toBe(422);
    expect(other.headers.get('Content-Type')).toBe('application/json');
    expect(other.body).toEqual({ error_code: REUSED, developer_message: expect.any(String) });
    expect(other.headers.get('Idempotent-Replayed')).toBeNull();
    expect(await effects(course.id)).toEqual({ enrollments: 1, audit: 1, events: 1 });
    const again = await enrollCall(course, keyed(key, headers));
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
  });

  it('path without query and trailing slash is the scope: a trailing slash replays, a query is another request', async () => {
    const { course, headers } = await learnerAndCourse();
    const key = newKey();
    await enrollCall(course, keyed(key, headers));
    const slash = await call(`${ENROLL}/`, { method: 'POST', json: body(course.id), headers: keyed(key, headers) });
    expect(slash.headers.get('Idempotent-Replayed')).toBe('true');
    const query = await call(`${ENROLL}?x=1`, { method: 'POST', json: body(course.id), headers: keyed(key, headers) });
    expect(query.status).toBe(422);
    expect(query.body.error_code).toBe(REUSED);
  });

  it('a different content type is another request', async () => {
    const { course, headers } = await learnerAndCourse();
    const key = newKey();
    await enrollCall(course, keyed(key, headers));
    const text = await call(ENROLL, {
      method: 'POST',
      body: JSON.stringify(body(course.id)),
      headers: { ...keyed(key, headers), 'Content-Type': 'text/plain' },
    });
    expect(text.status).toBe(422);
  });
});

describe('scope per caller (#scope)', () => {
  it('another user with the same key is independent', async () => {
    const a = await learnerAndCourse();
    const b = await createUser({ username: unique('idemb') });
    const bHeaders = await jwtHeader(b.username);
    const key = newKey();
    const first = await enrollCall(a.course, keyed(key, a.headers));
    const other = await enrollCall(a.course, keyed(key, bHeaders));
    expect(first.body.user).toBe(a.user.username);
    expect(other.status).toBe(200);
    expect(other.headers.get('Idempotent-Replayed')).toBeNull();
    expect(other.body.user).toBe(b.username);
    expect((await effects(a.course.id)).enrollments).toBe(2);
    expect(await keyRows(key)).toHaveLength(2);
  });

  it('the API key alone is one caller; a JWT sent with it is the JWT’s user', async () => {
    const { user, course, headers } = await learnerAndCourse();
    const key = newKey();
    const json = body(course.id, { user: user.username });
    const byKey = await enrollCall(course, keyed(key, apiKeyHeader), { json });
    expect(byKey.status, byKey.text).toBe(200);
    const byKeyAgain = await enrollCall(course, keyed(key, apiKeyHeader), { json });
    expect(byKeyAgain.headers.get('Idempotent-Replayed')).toBe('true');
    const withJwt = await enrollCall(course, keyed(key, { ...apiKeyHeader, ...headers }), { json });
    expect(withJwt.headers.get('Idempotent-Replayed')).toBeNull();
    const principals = (await keyRows(key)).map((r) => r.principal).sort();
    expect(principals).toEqual([expect.stringMatching(/^api-key:[0-9a-f]{16}$/), `user:${user.username}`]);
  });
});

describe('round trips (#cost): a key costs at most one D1 round trip', () => {
  it('E5 POST: first call and replay ≤ the same call without a key + 1', async () => {
    const { user, course } = await learnerAndCourse();
    const staff = await jwtHeader(unique('idstaff'), { administrator: true });
    // Warm the isolate's account cache for the staff user: its just-in-time sync is not the key's cost.
    await call(ENROLL, { method: 'POST', json: body(course.id, { user: user.username }), headers: staff });
    const plain = await enrollCall(course, staff, { json: body(course.id, { user: user.username, mode: 'audit' }) });
    const other = await createUser({ username: unique('idemc') });
    const json = body(course.id, { user: other.username });
    const key = newKey();
    const keyedFirst = await enrollCall(course, keyed(key, staff), { json });
    const replay = await enrollCall(course, keyed(key, staff), { json });
    const other2 = await createUser({ username: unique('idemd') });
    const unkeyed = await enrollCall(course, staff, { json: body(course.id, { user: other2.username }) });
    expect(keyedFirst.status).toBe(200);
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(dbQueries(unkeyed.headers)).toBe(2);
    expect(dbQueries(keyedFirst.headers)).toBeLessThanOrEqual(dbQueries(unkeyed.headers) + 1);
    expect(dbQueries(replay.headers)).toBeLessThanOrEqual(dbQueries(plain.headers) + 1);
  });
});
