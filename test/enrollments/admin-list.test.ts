import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCourse, createUser, enroll, type User, uniquePart } from '../helpers/fixtures';
import { BASE, call, unique } from '../helpers/request';
import { jwtHeader } from '../helpers/tokens';
import { API, apiKey, expectJson, globalStaff, learner } from './support';

const PATH = `${API}/enrollments/`;
const list = async (query: string, headers?: Record<string, string>) =>
  call(`${PATH}${query}`, { headers: headers ?? (await globalStaff('e8staff')) });

const ITEM_KEYS = ['created', 'mode', 'is_active', 'user', 'course_id'];
const USERNAME_MESSAGE =
  'Usernames can only contain letters (A-Z, a-z), numerals (0-9), underscores (_), and hyphens (-).';

/** One course with five enrollments at distinct times (plus one inactive), newest last. */
async function seeded() {
  const stem = uniquePart('L');
  const course = await createCourse({ id: `course-v1:OrgL+${stem}+Run` });
  const users: User[] = [];
  for (let i = 0; i < 5; i++) users.push(await createUser({ username: unique(`e8u${i}x`) }));
  const base = Date.UTC(2018, 0, 1, 0, 0, 1);
  const rows = [];
  for (const [i, u] of users.entries()) {
    rows.push(
      await enroll(u.id, course.id, {
        createdAt: base + i * 1000,
        mode: i % 2 ? 'honor' : 'audit',
        isActive: i !== 2,
      }),
    );
  }
  return { course, users, rows, stem };
}

const usernamesOf = (body: { results: { user: string }[] }) => body.results.map((r) => r.user);

describe('E8 GET /enrollments/ (#e8)', () => {
  it('lists active and inactive enrollments of a course, newest first, as admin list items (#admin-item-object)', async () => {
    const { course, users } = await seeded();
    const res = await list(`?course_id=${encodeURIComponent(course.id)}`);
    expect(res.status).toBe(200);
    expectJson(res);
    expect(Object.keys(res.body).sort()).toEqual(['next', 'previous', 'results']);
    expect(res.body.next).toBeNull();
    expect(res.body.previous).toBeNull();
    expect(usernamesOf(res.body)).toEqual(users.map((u) => u.username).reverse());
    for (const item of res.body.results) expect(Object.keys(item)).toEqual(ITEM_KEYS);
    expect(res.body.results.at(-1)).toEqual({
      created: '2018-01-01T00:00:01Z',
      mode: 'audit',
      is_active: true,
      user: users[0]?.username,
      course_id: course.id,
    });
    expect(res.body.results[2]).toMatchObject({ is_active: false, user: users[2]?.username });
  });

  it('breaks ties on created by row id (desc) and prints milliseconds as .mmm000Z', async () => {
    const course = await createCourse();
    const [a, b] = [await createUser(), await createUser()];
    const t = Date.UTC(2019, 5, 6, 7, 8, 9, 120);
    await enroll(a.id, course.id, { createdAt: t });
    await enroll(b.id, course.id, { createdAt: t });
    const res = await list(`?course_id=${encodeURIComponent(course.id)}`);
    expect(usernamesOf(res.body)).toEqual([b.username, a.username]);
    expect(res.body.results[0].created).toBe('2019-06-06T07:08:09.120000Z');
  });

  it('filters by username list and combines filters with AND', async () => {
    const { course, users } = await seeded();
    const other = await createCourse();
    await enroll(users[0]?.id ?? -1, other.id);
    const names = `${users[0]?.username},${users[3]?.username}`;
    const byUser = await list(`?username=${names}`);
    expect(byUser.status).toBe(200);
    expect(byUser.body.results.map((r: { user: string; course_id: string }) => [r.user, r.course_id])).toEqual([
      [users[0]?.username, other.id],
      [users[3]?.username, course.id],
      [users[0]?.username, course.id],
    ]);
    const both = await list(`?username=${names}&course_id=${encodeURIComponent(course.id)}`);
    expect(usernamesOf(both.body)).toEqual([users[3]?.username, users[0]?.username]);
  });

  it('filters by email list (exact match on the user e-mail)', async () => {
    const { users } = await seeded();
    const emails = `${users[1]?.email},${users[4]?.email},${unique('none')}@example.com`;
    const res = await list(`?email=${encodeURIComponent(emails)}`);
    expect(res.status).toBe(200);
    expect(usernamesOf(res.body)).toEqual([users[4]?.username, users[1]?.username]);
    const upper = await list(`?email=${encodeURIComponent(users[1]?.email.toUpperCase() ?? '')}`);
    expect(upper.status).toBe(200);
    expect(upper.body.results).toEqual([]);
  });

  it('matches course_ids by full id, id without course-v1:, or ORG+COURSE, case-insensitively (D7)', async () => {
    const { course, stem } = await seeded();
    const sibling = await createCourse({ id: `course-v1:OrgL+${stem}+Other` });
    const u = await createUser();
    await enroll(u.id, sibling.id, { createdAt: Date.UTC(2017, 0, 1) });
    const cases: [string, string[]][] = [
      [course.id, [course.id]],
      [course.id.toUpperCase(), [course.id]],
      [`OrgL+${stem}+Run`, [course.id]],
      [`orgl+${stem.toLowerCase()}+run`, [course.id]],
      [`OrgL+${stem}`, [course.id, sibling.id]],
      [`${stem}`, []], // not a substring match any more
      [`OrgL+${stem.slice(0, -1)}`, []],
    ];
    for (const [value, expected] of cases) {
      const res = await list(`?course_ids=${encodeURIComponent(value)}`);
      expect(res.status, value).toBe(200);
      const ids = [...new Set(res.body.results.map((r: { course_id: string }) => r.course_id))].sort();
      expect(ids, value).toEqual([...expected].sort());
    }
    const two = await list(`?course_ids=${encodeURIComponent(`${course.id},${sibling.id}`)}`);
    expect(two.body.results).toHaveLength(6);
  });

  it('treats empty filter values as no filter and unknown ones as empty results', async () => {
    const { course, users } = await seeded();
    const empty = await list(`?course_id=&email=&course_ids=&username=${users[1]?.username}`);
    expect(empty.status).toBe(200);
    expect(usernamesOf(empty.body)).toEqual([users[1]?.username]);
    const unknown = await list(`?course_id=${encodeURIComponent(`course-v1:Nope+${uniquePart()}+X`)}`);
    expect(unknown.status).toBe(200);
    expect(unknown.body).toEqual({ next: null, previous: null, results: [] });
    const unknownUser = await list(`?username=${unique('ghost')}&course_id=${encodeURIComponent(course.id)}`);
    expect(unknownUser.body.results).toEqual([]);
  });

  it.each([
    ['course_id', 'not-a-key', "'not-a-key' is not a valid course id."],
    ['username', 'bad name', USERNAME_MESSAGE],
    ['username', 'ok,bad.dot', USERNAME_MESSAGE],
    ['username', 'a, b', USERNAME_MESSAGE], // split on "," only, no trimming
    ['username', 'ünï', USERNAME_MESSAGE],
    [
      'username',
      Array.from({ length: 101 }, (_, i) => `u${i}`).join(','),
      'Too many usernames in a single request - 101. A maximum of 100 is allowed',
    ],
    [
      'course_ids',
      Array.from({ length: 101 }, (_, i) => `c${i}`).join(','),
      'Too many course_ids in a single request - 101. A maximum of 100 is allowed',
    ],
    [
      'email',
      Array.from({ length: 150 }, (_, i) => `e${i}@x.org`).join(','),
      'Too many emails in a single request - 150. A maximum of 100 is allowed',
    ],
  ])('answers 400 field_errors for %s=%s', async (param, value, message) => {
    const res = await list(`?${param}=${encodeURIComponent(value)}`);
    expect(res.status).toBe(400);
    expectJson(res);
    expect(res.body).toEqual({ field_errors: { [param]: { developer_message: message } } });
  });

  it('lists every invalid parameter', async () => {
    const many = Array.from({ length: 101 }, (_, i) => `c${i}`).join(',');
    const res = await list(`?course_id=bad&username=no!&course_ids=${many}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      field_errors: {
        course_id: { developer_message: "'bad' is not a valid course id." },
        username: { developer_message: USERNAME_MESSAGE },
        course_ids: { developer_message: 'Too many course_ids in a single request - 101. A maximum of 100 is allowed' },
      },
    });
  });

  it('accepts up to 100 course_ids without key validation', async () => {
    const many = Array.from({ length: 100 }, (_, i) => `not a key ${i}`).join(',');
    const res = await list(`?course_ids=${encodeURIComponent(many)}`);
    expect(res.status).toBe(200);
  });

  it('accepts any list of 1–100 valid usernames (property)', async () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);
    await fc.assert(
      fc.asyncProperty(fc.array(name, { minLength: 1, maxLength: 100 }), async (names) => {
        const res = await list(
          `?username=${encodeURIComponent(names.join(','))}&course_id=course-v1%3Ano%2Bsuch%2Bcourse`,
        );
        expect(res.status).toBe(200);
        expect(res.body.results).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });

  it('rejects lists containing one invalid name, or more than 100 names (property)', async () => {
    const good = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
    const bad = fc
      .tuple(
        fc.stringMatching(/^[A-Za-z0-9_-]{0,5}$/),
        fc.constantFrom(' ', '.', '!', '@', '+', 'é', '/', '*', '~', '$', '&', '#', '%'),
        fc.stringMatching(/^[A-Za-z0-9_-]{0,5}$/),
      )
      .map(([a, ch, b]) => `${a}${ch}${b}`);
    await fc.assert(
      fc.asyncProperty(
        fc.array(good, { maxLength: 50 }),
        bad,
        fc.array(good, { maxLength: 49 }),
        async (before, invalid, after) => {
          const names = [...before, invalid, ...after];
          const res = await list(`?username=${encodeURIComponent(names.join(','))}`);
          expect(res.status).toBe(400);
          expect(res.body).toEqual({ field_errors: { username: { developer_message: USERNAME_MESSAGE } } });
        },
      ),
      { numRuns: 25 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(good, { minLength: 101, maxLength: 130 }), async (names) => {
        const res = await list(`?username=${encodeURIComponent(names.join(','))}`);
        expect(res.status).toBe(400);
        expect(res.body.field_errors.username.developer_message).toBe(
          `Too many usernames in a single request - ${names.length}. A maximum of 100 is allowed`,
        );
      }),
      { numRuns: 10 },
    );
  });
});

describe('E8 cursor pagination (#e8)', () => {
  it('pages newest first with next/previous links that keep the other parameters', async () => {
    const { course, users } = await seeded();
    const expected = users.map((u) => u.username).reverse();
    const query = `?course_id=${encodeURIComponent(course.id)}&page_size=2&page=7`;
    const p1 = await list(query);
    expect(p1.status).toBe(200);
    expect(usernamesOf(p1.body)).toEqual(expected.slice(0, 2));
    expect(p1.body.previous).toBeNull();
    expect(typeof p1.body.next).toBe('string');
    const next = new URL(p1.body.next);
    expect(next.origin).toBe(BASE);
    expect(next.pathname).toBe(PATH);
    expect(next.searchParams.get('course_id')).toBe(course.id);
    expect(next.searchParams.get('page_size')).toBe('2');
    expect(next.searchParams.get('cursor')).toBeTruthy();

    const p2 = await list(`${next.search}`);
    expect(p2.status).toBe(200);
    expect(usernamesOf(p2.body)).toEqual(expected.slice(2, 4));
    expect(p2.body.previous).not.toBeNull();
    expect(p2.body.next).not.toBeNull();

    const p3 = await list(new URL(p2.body.next).search);
    expect(usernamesOf(p3.body)).toEqual(expected.slice(4));
    expect(p3.body.next).toBeNull();
    expect(p3.body.previous).not.toBeNull();

    const back = await list(new URL(p3.body.previous).search);
    expect(usernamesOf(back.body)).toEqual(expected.slice(2, 4));
    const first = await list(new URL(back.body.previous).search);
    expect(usernamesOf(first.body)).toEqual(expected.slice(0, 2));
    expect(first.body.previous).toBeNull();
    for (const link of [p2.body.previous, p2.body.next, p3.body.previous]) {
      const url = new URL(link);
      expect(url.origin).toBe(BASE);
      expect(url.searchParams.get('course_id')).toBe(course.id);
      expect(url.searchParams.get('page_size')).toBe('2');
    }
  });

  it('keeps username/email filters in the links', async () => {
    const { users } = await seeded();
    const names = users.map((u) => u.username).join(',');
    const p1 = await list(`?username=${names}&page_size=3`);
    expect(p1.body.results).toHaveLength(3);
    const next = new URL(p1.body.next);
    expect(next.searchParams.get('username')).toBe(names);
    const p2 = await list(next.search);
    expect(p2.body.results).toHaveLength(2);
    expect(p2.body.next).toBeNull();
  });

  it.each(['0', '101', '-1', 'abc', '2.5', ''])('treats page_size=%j as 100', async (size) => {
    const { course } = await seeded();
    const res = await list(`?course_id=${encodeURIComponent(course.id)}&page_size=${size}`);
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(5);
    expect(res.body.next).toBeNull();
  });

  it('honours page_size=1 and page_size=100', async () => {
    const { course } = await seeded();
    const one = await list(`?course_id=${encodeURIComponent(course.id)}&page_size=1`);
    expect(one.body.results).toHaveLength(1);
    const hundred = await list(`?course_id=${encodeURIComponent(course.id)}&page_size=100`);
    expect(hundred.body.results).toHaveLength(5);
  });

  it.each(['garbage!', 'abc', btoa('x|1|2'), btoa('n|abc|1'), 'cD0yMDE4', '%00', 'a'.repeat(300)])(
    'answers 404 Invalid cursor for cursor=%s',
    async (cursor) => {
      const res = await list(`?cursor=${encodeURIComponent(cursor)}`);
      expect(res.status).toBe(404);
      expectJson(res);
      expect(res.body).toEqual({ developer_message: 'Invalid cursor' });
    },
  );

  it('never answers 5xx for arbitrary cursors (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 60 }), async (cursor) => {
        const res = await list(`?cursor=${encodeURIComponent(cursor)}`);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 30 },
    );
  });
});

describe('E8 access (#e8: developer-error shape, JWT only)', () => {
  it('answers 401 developer_message without a JWT (the API key does not count)', async () => {
    for (const headers of [{}, apiKey]) {
      const res = await list('', headers);
      expect(res.status).toBe(401);
      expectJson(res);
      expect(res.body).toEqual({ developer_message: 'Authentication credentials were not provided.' });
    }
    const bad = await list('', { Authorization: 'JWT not.a.token' });
    expect(bad.status).toBe(401);
    expect(Object.keys(bad.body)).toEqual(['developer_message']);
  });

  it('answers 403 developer_message to learners, superusers that are not staff, restricted apps', async () => {
    const su = await createUser({ isSuperuser: true });
    for (const headers of [
      await learner(unique('l')),
      { ...apiKey, ...(await learner(unique('l'))) },
      await learner(su.username),
      await jwtHeader(unique('ra'), { administrator: true, isRestricted: true }),
    ]) {
      const res = await list('', headers);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ developer_message: 'You do not have permission to perform this action.' });
    }
  });

  it('checks permission before the filters', async () => {
    const res = await list('?course_id=bad', await learner(unique('l')));
    expect(res.status).toBe(403);
  });

  it('serves the path without a trailing slash too', async () => {
    const { course } = await seeded();
    const res = await call(`${API}/enrollments?course_id=${encodeURIComponent(course.id)}`, {
      headers: await globalStaff('e8staff'),
    });
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(5);
  });
});
