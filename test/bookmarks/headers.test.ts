import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { API, apiKey, body, learner, pathId, postEnrollment } from '../enrollments/support';
import { createCourse, createUser, enroll } from '../helpers/fixtures';
import { call, dbQueries } from '../helpers/request';
import { jwtHeader } from '../helpers/tokens';
import { BOOKMARK, BOOKMARK_FORM } from './support';

// docs/api/read-your-writes.md#the-header: every answer of a request that queried D1 carries the
// session's bookmark; an answer that ran no D1 query carries none.

const cacheTiming = (headers: Headers) => /cache;desc="(hit|miss)"/.exec(headers.get('Server-Timing') ?? '')?.[1];

async function cached(courseId: string) {
  const key = `enrollment.course.details.${courseId}.False`;
  for (let i = 0; i < 50 && (await env.CACHE.get(key)) === null; i++) await new Promise((r) => setTimeout(r, 20));
}

describe('x-d1-bookmark on answers (#the-header)', () => {
  it('is on a GET that read D1, in D1’s bookmark form', async () => {
    const course = await createCourse();
    const user = await createUser();
    await enroll(user.id, course.id);
    const res = await call(`${API}/enrollment/${user.username},${pathId(course.id)}`, { headers: apiKey });
    expect(res.status).toBe(200);
    expect(dbQueries(res.headers)).toBe(1);
    expect(res.headers.get(BOOKMARK)).toMatch(BOOKMARK_FORM);
  });

  it('is on a write, and the write’s round trips are what they were without sessions', async () => {
    const course = await createCourse();
    const user = await createUser();
    const res = await postEnrollment(body(course.id, { user: user.username }), apiKey);
    expect(res.status).toBe(200);
    expect(res.body.user).toBe(user.username);
    expect(dbQueries(res.headers)).toBe(2);
    expect(res.headers.get(BOOKMARK)).toMatch(BOOKMARK_FORM);
  });

  it('is on an error answered after a lookup (unknown course: 400 after one query)', async () => {
    const res = await call(`${API}/course/course-v1:NoOrg+${Date.now()}+Run`);
    expect(res.status).toBe(400);
    expect(dbQueries(res.headers)).toBe(1);
    expect(res.headers.get(BOOKMARK)).toMatch(BOOKMARK_FORM);
  });

  it('is on a 404 after the lookup (another learner’s enrollment)', async () => {
    const course = await createCourse();
    const [owner, other] = [await createUser(), await createUser()];
    await enroll(owner.id, course.id);
    const res = await call(`${API}/enrollment/${owner.username},${pathId(course.id)}`, {
      headers: await learner(other.username),
    });
    expect(res.status).toBe(404);
    expect(dbQueries(res.headers)).toBeGreaterThan(0);
    expect(res.headers.get(BOOKMARK)).toMatch(BOOKMARK_FORM);
  });

  it('is absent on a cache hit (0 queries, no session)', async () => {
    const course = await createCourse();
    const miss = await call(`${API}/course/${pathId(course.id)}`);
    expect(cacheTiming(miss.headers)).toBe('miss');
    expect(miss.headers.get(BOOKMARK)).toMatch(BOOKMARK_FORM);
    await cached(course.id);
    const hit = await call(`${API}/course/${pathId(course.id)}`);
    expect(cacheTiming(hit.headers)).toBe('hit');
    expect(dbQueries(hit.headers)).toBe(0);
    expect(hit.headers.get(BOOKMARK)).toBeNull();
  });

  it('is absent on /health, /openapi.json and unknown routes', async () => {
    for (const path of ['/health', '/openapi.json', '/no/such/route']) {
      const res = await call(path);
      expect(dbQueries(res.headers)).toBe(0);
      expect(res.headers.get(BOOKMARK)).toBeNull();
    }
  });

  it('is absent on a refusal before any lookup (no credentials; a token that does not verify)', async () => {
    const missing = await postEnrollment(body('course-v1:a+b+c'));
    expect(missing.status).toBe(401);
    expect(missing.headers.get(BOOKMARK)).toBeNull();
    const forged = await postEnrollment(body('course-v1:a+b+c'), {
      Authorization: `${(await jwtHeader('alice')).Authorization}x`,
    });
    expect(forged.status).toBe(401);
    expect(dbQueries(forged.headers)).toBe(0);
    expect(forged.headers.get(BOOKMARK)).toBeNull();
  });

  it('an empty x-d1-bookmark is no bookmark', async () => {
    const course = await createCourse();
    const res = await call(`${API}/course/${pathId(course.id)}`, { headers: { [BOOKMARK]: '' } });
    expect(res.status).toBe(200);
    expect(res.headers.get(BOOKMARK)).toMatch(BOOKMARK_FORM);
  });
});
