import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { API, apiKey, body, learner, pathId, postEnrollment } from '../enrollments/support';
import { createCourse, createUser, enroll, userByUsername } from '../helpers/fixtures';
import { call, dbQueries, unique } from '../helpers/request';
import { BOOKMARK, FORMED_BOOKMARK, sessionStarts, watchSessions } from './support';

// docs/api/read-your-writes.md#sessions: which session each request opens, and that every query
// of the request (the isolate-built hot statements included) runs in it.

afterEach(() => {
  vi.restoreAllMocks();
});

const enrollmentPath = (username: string, courseId: string) => `${API}/enrollment/${username},${pathId(courseId)}`;

async function enrolled() {
  const course = await createCourse();
  const user = await createUser();
  await enroll(user.id, course.id);
  return { course, user };
}

describe('the session a request opens (#sessions)', () => {
  it('a GET without a bookmark: first-unconstrained', async () => {
    const { course, user } = await enrolled();
    const spy = watchSessions();
    const res = await call(enrollmentPath(user.username, course.id), { headers: apiKey });
    expect(res.status).toBe(200);
    expect(sessionStarts(spy)).toEqual(['first-unconstrained']);
  });

  it('a HEAD without a bookmark: first-unconstrained', async () => {
    const { course, user } = await enrolled();
    const spy = watchSessions();
    const res = await call(enrollmentPath(user.username, course.id), { method: 'HEAD', headers: apiKey });
    expect(res.status).toBe(200);
    expect(sessionStarts(spy)).toEqual(['first-unconstrained']);
  });

  it('a write without a bookmark: first-primary, one session for both round trips', async () => {
    const course = await createCourse();
    const user = await createUser();
    const spy = watchSessions();
    const res = await postEnrollment(body(course.id, { user: user.username }), apiKey);
    expect(res.status).toBe(200);
    expect(dbQueries(res.headers)).toBe(2);
    expect(sessionStarts(spy)).toEqual(['first-primary']);
  });

  it('a DELETE-style write refused by the service still ran in first-primary', async () => {
    const spy = watchSessions();
    const res = await call(`/api/admin/v1/webhooks/${unique('nohook')}`, { method: 'DELETE', headers: apiKey });
    expect(res.status).toBe(404);
    expect(sessionStarts(spy)).toEqual(['first-primary']);
    expect(res.headers.get(BOOKMARK)).not.toBeNull();
  });

  it('a request that sent a bookmark: that bookmark, for a GET and for a write', async () => {
    const { course, user } = await enrolled();
    const spy = watchSessions();
    await call(enrollmentPath(user.username, course.id), { headers: { ...apiKey, [BOOKMARK]: FORMED_BOOKMARK } });
    const other = await createCourse();
    await postEnrollment(body(other.id, { user: user.username }), { ...apiKey, [BOOKMARK]: FORMED_BOOKMARK });
    expect(sessionStarts(spy)).toEqual([FORMED_BOOKMARK, FORMED_BOOKMARK]);
  });

  it('no session at all for a cache hit or /health', async () => {
    const course = await createCourse();
    await call(`${API}/course/${pathId(course.id)}`);
    const key = `enrollment.course.details.${course.id}.False`;
    for (let i = 0; i < 50 && (await env.CACHE.get(key)) === null; i++) await new Promise((r) => setTimeout(r, 20));
    const spy = watchSessions();
    const hit = await call(`${API}/course/${pathId(course.id)}`, { headers: { [BOOKMARK]: FORMED_BOOKMARK } });
    await call('/health');
    expect(hit.status).toBe(200);
    expect(dbQueries(hit.headers)).toBe(0);
    expect(spy).not.toHaveBeenCalled();
  });

  it('a GET whose just-in-time account sync writes: first-unconstrained, the user is created', async () => {
    // D1 sends a session's writes to the primary whatever the constraint (#writes-in-a-get).
    const username = unique('jit');
    const spy = watchSessions();
    const res = await call(`${API}/enrollment`, { headers: await learner(username) });
    expect(res.status).toBe(200);
    expect(sessionStarts(spy)).toEqual(['first-unconstrained']);
    expect((await userByUsername(username))?.username).toBe(username);
    expect(res.headers.get(BOOKMARK)).not.toBeNull();
  });
});

describe('read-your-writes through the bookmark (#read-your-writes)', () => {
  it('a write’s bookmark sent back: the next read opens its session there and answers a bookmark past it', async () => {
    const course = await createCourse();
    const user = await createUser();
    const write = await postEnrollment(body(course.id, { user: user.username }), apiKey);
    const written = write.headers.get(BOOKMARK);
    expect(written).not.toBeNull();

    const spy = watchSessions();
    const read = await call(enrollmentPath(user.username, course.id), {
      headers: { ...apiKey, [BOOKMARK]: written as string },
    });
    expect(read.status).toBe(200);
    expect(read.body.is_active).toBe(true);
    expect(sessionStarts(spy)).toEqual([written]);
    // Bookmarks order by time as strings; the read's own query moved the local counter on, which
    // only shows when the isolate-built statement ran in the session opened at `written`.
    expect((read.headers.get(BOOKMARK) as string) > (written as string)).toBe(true);
  });

  it('the isolate-built course details statement runs in the request’s session (cache miss)', async () => {
    const course = await createCourse();
    const spy = watchSessions();
    const res = await call(`${API}/course/${pathId(course.id)}`, { headers: { [BOOKMARK]: FORMED_BOOKMARK } });
    expect(res.status).toBe(200);
    expect(dbQueries(res.headers)).toBe(1);
    expect(sessionStarts(spy)).toEqual([FORMED_BOOKMARK]);
    expect((res.headers.get(BOOKMARK) as string) > FORMED_BOOKMARK).toBe(true);
  });

  it('concurrent requests with different bookmarks each run in their own session', async () => {
    const pairs = await Promise.all(Array.from({ length: 8 }, () => enrolled()));
    const sent = pairs.map((_, i) => `00000000-0000000${i}-00000000-00000000000000000000000000000000`);
    const spy = watchSessions();
    const answers = await Promise.all(
      pairs.map(({ course, user }, i) =>
        call(enrollmentPath(user.username, course.id), { headers: { ...apiKey, [BOOKMARK]: sent[i] as string } }),
      ),
    );
    expect([...sessionStarts(spy)].sort()).toEqual(sent);
    answers.forEach((res, i) => {
      expect(res.status).toBe(200);
      expect(dbQueries(res.headers)).toBe(1);
      expect((res.headers.get(BOOKMARK) as string) > (sent[i] as string)).toBe(true);
    });
  });
});
