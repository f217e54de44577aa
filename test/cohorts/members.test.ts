import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import {
  addToCohort,
  cohortOf,
  createCohort,
  createCourse,
  createUser,
  markRetired,
  preassignCohort,
  snapshot,
} from '../helpers/fixtures';
import { call, dbQueries, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';
import { addUsers, courseWithStaff, membershipEvents, removeUser, usersPath } from './support';

const preassignedCohort = async (courseId: string, email: string) => {
  const row = await env.DB.prepare(
    'select c.name from cohort_preassignments p join cohorts c on c.id = p.cohort_id where p.course_id = ? and p.email = ?',
  )
    .bind(courseId, email)
    .first<{ name: string }>();
  return row?.name ?? null;
};

describe('POST …/users (#add)', () => {
  it('answers every group as upstream (its test_add_users_to_cohort_different_types_of_users)', async () => {
    const course = await createCourse();
    const cohort = await createCohort(course.id, 'DEFAULT', 'random');
    const c2 = await createCohort(course.id, 'C2', 'random');
    const [user1, user2, user3] = [await createUser(), await createUser(), await createUser()];
    await addToCohort(c2, user1.id);
    await addToCohort(cohort, user2.id);
    const fresh = `${unique('pre')}@example.com`;
    const user4 = unique('nobody');
    const res = await addUsers(course.id, cohort.id, {
      users: [fresh, user1.username, '', user4, user3.username, user2.username, 'foo@bar'],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.body).toEqual({
      success: true,
      added: [{ username: user3.username, email: user3.email }],
      changed: [{ email: user1.email, previous_cohort: 'C2', username: user1.username }],
      present: [user2.username],
      unknown: [user4],
      preassigned: [fresh],
      invalid: ['foo@bar'],
    });
    expect(dbQueries(res.headers)).toBe(2);
    expect(await cohortOf(user1.id, course.id)).toBe('DEFAULT');
    expect(await cohortOf(user3.id, course.id)).toBe('DEFAULT');
    expect(await preassignedCohort(course.id, fresh)).toBe('DEFAULT');
  });

  it('logs one membership event per placement and per move; present members log none', async () => {
    const course = await createCourse();
    const target = await createCohort(course.id, 'Target');
    const old = await createCohort(course.id, 'Old');
    const [mover, joiner, stayer] = [await createUser(), await createUser(), await createUser()];
    await addToCohort(old, mover.id);
    await addToCohort(target, stayer.id);
    const before = (await membershipEvents(course.id)).length;
    const res = await addUsers(course.id, target.id, {
      users: `${mover.email}, ${joiner.username}\n${stayer.username}`,
    });
    expect(res.status).toBe(200);
    expect((await membershipEvents(course.id)).slice(before)).toEqual([
      { username: mover.username, name: 'Target', previous_name: 'Old' },
      { username: joiner.username, name: 'Target', previous_name: null },
    ]);
    // The same request again changes nothing: one round trip (no write), no event.
    const again = await addUsers(course.id, target.id, { users: [mover.username, joiner.email] });
    expect(again.body.present).toEqual([mover.username, joiner.email]);
    expect(dbQueries(again.headers)).toBe(1);
    expect((await membershipEvents(course.id)).slice(before)).toHaveLength(2);
  });

  it('sees its own earlier identifiers: a user named twice is added, then present', async () => {
    const course = await createCourse();
    const cohort = await createCohort(course.id, 'Twice');
    const other = await createCohort(course.id, 'Other');
    const [user, moved] = [await createUser(), await createUser()];
    await addToCohort(other, moved.id);
    const setup = (await membershipEvents(course.id)).length;
    const res = await addUsers(course.id, cohort.id, {
      users: [user.username, user.email, moved.username, moved.username],
    });
    expect(res.body.added).toEqual([{ username: user.username, email: user.email }]);
    expect(res.body.changed).toEqual([{ email: moved.email, previous_cohort: 'Other', username: moved.username }]);
    expect(res.body.present).toEqual([user.email, moved.username]);
    const logged = (await membershipEvents(course.id)).slice(setup);
    expect(logged.map((e) => e.username).sort()).toEqual([moved.username, user.username].sort());
  });

  it('resolves an e-mail before a username, and treats users being retired as unknown (#c5)', async () => {
    const course = await createCourse();
    const cohort = await createCohort(course.id, 'Resolved');
    const byEmail = await createUser();
    const clash = await createUser({ username: byEmail.email });
    const retiring = await createUser();
    await markRetired(retiring);
    const res = await addUsers(course.id, cohort.id, { users: [byEmail.email, retiring.username, retiring.email] });
    expect(res.body.added, JSON.stringify(res.body)).toEqual([{ username: byEmail.username, email: byEmail.email }]);
    expect(res.body.unknown, JSON.stringify(res.body)).toEqual([retiring.username, retiring.email]);
    expect(res.body.preassigned).toEqual([]);
    expect(await cohortOf(clash.id, course.id)).toBeNull();
    expect(await cohortOf(retiring.id, course.id)).toBeNull();
    expect(await preassignedCohort(course.id, retiring.email)).toBeNull();
  });

  it('moves a pre-assignment to this cohort and accepts form fields', async () => {
    const course = await createCourse();
    const cohort = await createCohort(course.id, 'Form');
    const earlier = await createCohort(course.id, 'Earlier');
    const email = `${unique('pre')}@example.com`;
    await preassignCohort(earlier, email);
    const user = await createUser();
    const res = await call(usersPath(course.id, cohort.id), {
      method: 'POST',
      headers: { ...apiKeyHeader, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ users: `${email},${user.username}` }).toString(),
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.preassigned).toEqual([email]);
    expect(res.body.added).toEqual([{ username: user.username, email: user.email }]);
    expect(await preassignedCohort(course.id, email)).toBe('Form');
  });

  it('keeps its round trips constant whatever the number of identifiers', async () => {
    const course = await createCourse();
    const cohort = await createCohort(course.id, 'Many');
    const other = await createCohort(course.id, 'Before');
    const users: Awaited<ReturnType<typeof createUser>>[] = [];
    for (let i = 0; i < 30; i++) users.push(await createUser());
    for (const user of users.slice(0, 10)) await addToCohort(other, user.id);
    const setup = (await membershipEvents(course.id)).length;
    const identifiers = [
      ...users.map((u, i) => (i % 2 ? u.email : u.username)),
      ...Array.from({ length: 300 }, (_, i) => `nobody${i}`),
      ...Array.from({ length: 300 }, (_, i) => `${unique('pre')}${i}@example.com`),
    ];
    const res = await addUsers(course.id, cohort.id, { users: identifiers.join(' ') });
    expect(res.status).toBe(200);
    expect(res.body.added).toHaveLength(20);
    expect(res.body.changed).toHaveLength(10);
    expect(res.body.unknown).toHaveLength(300);
    expect(res.body.preassigned).toHaveLength(300);
    expect(dbQueries(res.headers)).toBe(2);
    expect((await membershipEvents(course.id)).slice(setup)).toHaveLength(30);
  });

  it('keeps a user in one cohort of the run when two requests move them at once', async () => {
    const course = await createCourse();
    const [a, b] = [await createCohort(course.id, 'A'), await createCohort(course.id, 'B')];
    const user = await createUser();
    const answers = await Promise.all([
      addUsers(course.id, a.id, { users: [user.username] }),
      addUsers(course.id, b.id, { users: [user.username] }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    const rows = await env.DB.prepare('select cohort_id from cohort_memberships where course_id = ? and user_id = ?')
      .bind(course.id, user.id)
      .all();
    expect(rows.results).toHaveLength(1);
    expect(['A', 'B']).toContain(await cohortOf(user.id, course.id));
  });

  it('POST …/users/{username} adds the one user the path names', async () => {
    const course = await createCourse();
    const cohort = await createCohort(course.id, 'Path');
    const user = await createUser();
    const res = await call(`${usersPath(course.id, cohort.id)}/${user.email}`, {
      method: 'POST',
      headers: apiKeyHeader,
    });
    expect(res.status).toBe(200);
    expect(res.body.added).toEqual([{ username: user.username, email: user.email }]);
    expect(await cohortOf(user.id, course.id)).toBe('Path');
  });

  it('refuses bad input with 400 and more than 10,000 identifiers with 413, changing nothing', async () => {
    const course = await createCourse();
    const cohort = await createCohort(course.id, 'Refusing');
    const user = await createUser();
    const before = await snapshot({ courseIds: [course.id], userIds: [user.id] });
    const missing = { developer_message: 'Missing users key in payload', error_code: 'missing-users' };
    for (const json of [{}, { users: [] }, { users: ' ,\n ' }, { users: ['', '  '] }]) {
      const res = await addUsers(course.id, cohort.id, json);
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(res.body, JSON.stringify(json)).toEqual(missing);
    }
    for (const json of [{ users: [user.username, 7] }, { users: { a: 1 } }, { users: null }]) {
      const res = await addUsers(course.id, cohort.id, json);
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(res.body.error_code, JSON.stringify(json)).toBe('invalid-users');
      expect(res.body.field_errors.users.developer_message).toMatch(/list of usernames or e-mails/);
    }
    const tooMany = await addUsers(course.id, cohort.id, { users: `${user.username} `.repeat(10_001) });
    expect(tooMany.status).toBe(413);
    expect(tooMany.body).toEqual({
      developer_message: '10001 identifiers in one request; at most 10000. Split the list.',
      error_code: 'too_many_identifiers',
    });
    expect(dbQueries(tooMany.headers)).toBe(0);
    expect(await snapshot({ courseIds: [course.id], userIds: [user.id] })).toBe(before);
    expect(await membershipEvents(course.id)).toEqual([]);
  });

  it('404s for an unknown course, cohort, or another course’s cohort, adding nobody', async () => {
    const course = await createCourse();
    const other = await createCourse();
    const foreign = await createCohort(other.id, 'Foreign');
    const user = await createUser();
    const res = await addUsers(course.id, foreign.id, { users: [user.username] });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      developer_message: `Cohort (ID ${foreign.id}) not found for ${course.id}`,
      error_code: 'cohort-not-found',
    });
    expect((await addUsers(course.id, 'x', { users: [user.username] })).body.error_code).toBe('cohort-not-found');
    const noCourse = await addUsers('course-v1:No+Such+Run', foreign.id, { users: [user.username] });
    expect(noCourse.body.error_code).toBe('course-not-found');
    expect(await cohortOf(user.id, other.id)).toBeNull();
  });
});

describe('DELETE …/users/{username} (#remove)', () => {
  it('removes a member: 204, one round trip, and (as upstream) no event', async () => {
    const course = await createCourse();
    const cohort = await createCohort(course.id, 'Leaving');
    const user = await createUser();
    await addUsers(course.id, cohort.id, { users: [user.username] });
    const events = await membershipEvents(course.id);
    const res = await removeUser(course.id, cohort.id, user.username);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(dbQueries(res.headers)).toBe(1);
    expect(await cohortOf(user.id, course.id)).toBeNull();
    expect(await membershipEvents(course.id)).toEqual(events);
    // Added again, the learner is placed anew.
    await addUsers(course.id, cohort.id, { users: [user.username] });
    expect(await membershipEvents(course.id)).toHaveLength(events.length + 1);
  });

  it('answers upstream’s 404 and 400, removing nothing', async () => {
    const course = await createCourse();
    const cohort = await createCohort(course.id, 'Here');
    const elsewhere = await createCohort(course.id, 'There');
    const member = await createUser();
    await addToCohort(elsewhere, member.id);
    const notHere = await removeUser(course.id, cohort.id, member.username);
    expect(notHere.status).toBe(400);
    expect(notHere.body).toEqual({
      developer_message: 'User not assigned to the given cohort.',
      error_code: 'user-not-in-cohort',
    });
    const nobody = await removeUser(course.id, cohort.id, unique('nobody'));
    expect(nobody.status).toBe(404);
    expect(nobody.body).toEqual({ developer_message: 'User does not exist.', error_code: 'user-not-found' });
    // A cohort of another course: 404, and the member there stays.
    const other = await createCourse();
    const foreign = await removeUser(other.id, elsewhere.id, member.username);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error_code).toBe('cohort-not-found');
    expect(await cohortOf(member.id, course.id)).toBe('There');
  });
});

describe('GET …/users (#list)', () => {
  it('pages members in user id order with upstream’s envelope and links', async () => {
    const { course, staffHeaders } = await courseWithStaff();
    const cohort = await createCohort(course.id, 'Paged');
    const members: Awaited<ReturnType<typeof createUser>>[] = [];
    for (let i = 0; i < 5; i++) members.push(await createUser({ name: `Learner ${i}` }));
    for (const user of members) await addToCohort(cohort, user.id);
    const view = (u: (typeof members)[number]) => ({ username: u.username, email: u.email, name: u.name });
    const path = usersPath(course.id, cohort.id);
    const base = `http://edge.test${path}`;
    const first = await call(`${path}?page_size=2`, { headers: apiKeyHeader });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      next: `${base}?page=2&page_size=2`,
      previous: null,
      count: 5,
      num_pages: 3,
      current_page: 1,
      start: 0,
      results: members.slice(0, 2).map(view),
    });
    expect(dbQueries(first.headers)).toBe(1);
    const second = await call(`${path}?page_size=2&page=2`, { headers: staffHeaders });
    expect(second.body).toMatchObject({
      previous: `${base}?page_size=2`,
      next: `${base}?page=3&page_size=2`,
      start: 2,
    });
    const last = await call(`${path}?page=last&page_size=2`, { headers: apiKeyHeader });
    expect(last.body).toMatchObject({
      current_page: 3,
      next: null,
      start: 4,
      results: [view(members[4] as (typeof members)[number])],
    });
    const all = await call(path, { headers: apiKeyHeader });
    expect(all.body.results).toEqual(members.map(view));
    expect(all.body.num_pages).toBe(1);
  });

  it('bounds page_size as DRF does and answers 404 "Invalid page." out of range', async () => {
    const course = await createCourse();
    const cohort = await createCohort(course.id, 'Bounds');
    const empty = await call(usersPath(course.id, cohort.id), { headers: apiKeyHeader });
    expect(empty.body).toMatchObject({ count: 0, num_pages: 1, current_page: 1, results: [] });
    for (const page of ['2', '0', '-1', 'abc', '1.0']) {
      const res = await call(`${usersPath(course.id, cohort.id)}?page=${page}`, { headers: apiKeyHeader });
      expect(res.status, page).toBe(404);
      expect(res.body, page).toEqual({ developer_message: 'Invalid page.' });
    }
    for (let i = 0; i < 12; i++) await addToCohort(cohort, (await createUser()).id);
    // Above 100 counts as 100 (one page of 12); zero, negative or not a number as the default 10.
    for (const [size, pages] of [
      ['500', 1],
      ['12', 1],
      ['11', 2],
      ['0', 2],
      ['x', 2],
      ['-5', 2],
    ] as const) {
      const res = await call(`${usersPath(course.id, cohort.id)}?page_size=${size}`, { headers: apiKeyHeader });
      expect(res.status, size).toBe(200);
      expect(res.body.num_pages, size).toBe(pages);
    }
    const unknown = await call(usersPath(course.id, 987654321), { headers: apiKeyHeader });
    expect(unknown.body.error_code).toBe('cohort-not-found');
  });

  it('is course staff’s, not a learner’s (403), and needs credentials (401)', async () => {
    const course = await createCourse();
    const cohort = await createCohort(course.id, 'Private');
    const learner = await jwtHeader((await createUser()).username);
    for (const res of [
      await call(usersPath(course.id, cohort.id), { headers: learner }),
      await addUsers(course.id, cohort.id, {}, learner),
      await removeUser(course.id, cohort.id, 'x', learner),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ developer_message: 'You do not have permission to perform this action.' });
    }
    expect((await call(usersPath(course.id, cohort.id))).status).toBe(401);
  });
});
