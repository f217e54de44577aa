import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN } from '../helpers/provisioning-api';
import { call, dbQueries, unique } from '../helpers/request';
import { apiKeyHeader } from '../helpers/tokens';
import {
  enrollmentsPath,
  learner,
  link,
  newUuid,
  PROGRAM_NOT_FOUND,
  programChecksum,
  provisionOrg,
  provisionProgram,
  record,
  scenario,
  staffHeader,
} from './support';

const CURRICULUM = 'aaaaaaaa-1111-2222-3333-444444444444';
const OTHER_CURRICULUM = 'bbbbbbbb-1111-2222-3333-444444444444';

let staff: Record<string, string>;
beforeAll(async () => {
  staff = await staffHeader();
});

const write = (method: string, uuid: string, json: unknown) =>
  call(enrollmentsPath(uuid), { method, headers: staff, json });
const list = async (uuid: string, query = '') => call(`${enrollmentsPath(uuid)}${query}`, { headers: staff });

describe('POST program enrollments (#write)', () => {
  it('creates waiting enrollments: 201 with each key → its status', async () => {
    const { uuid } = await scenario(0);
    const res = await write('POST', uuid, [record('a'), record('b', 'pending'), record('c', 'suspended')]);
    expect(res.status).toBe(201);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.body).toEqual({ a: 'enrolled', b: 'pending', c: 'suspended' });
    const page = await list(uuid);
    expect(page.body.results).toEqual([
      {
        student_key: 'a',
        status: 'enrolled',
        account_exists: false,
        curriculum_uuid: CURRICULUM,
        username: '',
        email: '',
      },
      {
        student_key: 'b',
        status: 'pending',
        account_exists: false,
        curriculum_uuid: CURRICULUM,
        username: '',
        email: '',
      },
      {
        student_key: 'c',
        status: 'suspended',
        account_exists: false,
        curriculum_uuid: CURRICULUM,
        username: '',
        email: '',
      },
    ]);
  });

  it('accepts canceled and ended (the later status)', async () => {
    const { uuid } = await scenario(0);
    const res = await write('POST', uuid, [record('a', 'canceled'), record('b', 'ended')]);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ a: 'canceled', b: 'ended' });
  });

  it('a key already linked through the owner’s SSO provider is enrolled with its user (realised)', async () => {
    const { org, uuid } = await scenario(0);
    const alice = await learner();
    expect((await link(alice.username, org.slug, 'alice-key')).status).toBe(201);
    const res = await write('POST', uuid, [record('alice-key'), record('nobody')]);
    expect(res.status).toBe(201);
    const page = await list(uuid);
    expect(page.body.results).toEqual([
      {
        student_key: 'alice-key',
        status: 'enrolled',
        account_exists: true,
        curriculum_uuid: CURRICULUM,
        username: alice.username,
        email: `${alice.username}@example.com`,
      },
      expect.objectContaining({ student_key: 'nobody', account_exists: false, username: '', email: '' }),
    ]);
  });

  it('a link under another provider does not count', async () => {
    const { uuid } = await scenario(0);
    const other = await provisionOrg();
    const bob = await learner();
    await link(bob.username, other.slug, 'bob-key');
    await write('POST', uuid, [record('bob-key')]);
    expect((await list(uuid)).body.results[0]).toMatchObject({ student_key: 'bob-key', account_exists: false });
  });

  it('owner organization without provider, missing from the LMS, or no authoring organization: waiting (P4)', async () => {
    const noSlug = await provisionOrg({ slug: null });
    for (const org of [noSlug.shortName, 'NeverProvisionedOrg', null]) {
      const uuid = await provisionProgram({ org });
      const res = await write('POST', uuid, [record('k')]);
      expect(res.status, String(org)).toBe(201);
      expect((await list(uuid)).body.results[0]).toMatchObject({ account_exists: false });
    }
  });

  it('duplicated, conflict and invalid-status give 207 with the good records written', async () => {
    const { uuid } = await scenario(0);
    await write('POST', uuid, [record('abc3')]);
    const res = await write('POST', uuid, [
      record('abc1'),
      record('abc2'),
      record('abc2', 'pending'),
      record('abc3'),
      record('abc4', 'Enrolled'),
    ]);
    expect(res.status).toBe(207);
    expect(res.body).toEqual({ abc1: 'enrolled', abc2: 'duplicated', abc3: 'conflict', abc4: 'invalid-status' });
    const keys = (await list(uuid)).body.results.map((r: { student_key: string }) => r.student_key);
    expect(keys).toEqual(['abc3', 'abc1']);
  });

  it('conflict is decided by (program, key) whatever the curriculum', async () => {
    const { uuid } = await scenario(0);
    await write('POST', uuid, [record('k', 'enrolled', CURRICULUM)]);
    const res = await write('POST', uuid, [record('k', 'enrolled', OTHER_CURRICULUM)]);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ k: 'conflict' });
  });

  it('no success → 422 with the result map, nothing written', async () => {
    const { uuid } = await scenario(0);
    await write('POST', uuid, [record('x')]);
    const before = await programChecksum(uuid);
    const res = await write('POST', uuid, [record('x'), record('y', 'bogus'), record('z'), record('z')]);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ x: 'conflict', y: 'invalid-status', z: 'duplicated' });
    expect(await programChecksum(uuid)).toBe(before);
  });

  it('a linked user already enrolled under another key: conflict, no second enrollment', async () => {
    const { org, uuid } = await scenario(0);
    const carol = await learner();
    await link(carol.username, org.slug, 'old-key');
    await write('POST', uuid, [record('old-key')]);
    await link(carol.username, org.slug, 'new-key');
    const res = await write('POST', uuid, [record('new-key', 'enrolled', OTHER_CURRICULUM)]);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ 'new-key': 'conflict' });
  });
});

describe('PATCH and PUT program enrollments (#write)', () => {
  it('PATCH changes existing statuses (200), unknown keys are not-in-program, curriculum is ignored', async () => {
    const { uuid } = await scenario(0);
    await write('POST', uuid, [record('a'), record('b')]);
    const res = await write('PATCH', uuid, [
      { student_key: 'a', status: 'canceled', curriculum_uuid: 'not even a uuid' },
      { student_key: 'b', status: 'ended' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ a: 'canceled', b: 'ended' });
    const mixed = await write('PATCH', uuid, [
      { student_key: 'a', status: 'enrolled' },
      { student_key: 'zz', status: 'enrolled' },
    ]);
    expect(mixed.status).toBe(207);
    expect(mixed.body).toEqual({ a: 'enrolled', zz: 'not-in-program' });
    const results = (await list(uuid)).body.results;
    expect(results.map((r: { status: string; curriculum_uuid: string }) => [r.status, r.curriculum_uuid])).toEqual([
      ['enrolled', CURRICULUM],
      ['ended', CURRICULUM],
    ]);
  });

  it('PATCH of only unknown keys is 422', async () => {
    const { uuid } = await scenario(0);
    const res = await write('PATCH', uuid, [{ student_key: 'ghost', status: 'enrolled' }]);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ ghost: 'not-in-program' });
  });

  it('PUT creates or updates (200 either way) and never changes the curriculum', async () => {
    const { uuid } = await scenario(0);
    await write('POST', uuid, [record('old', 'pending', CURRICULUM)]);
    const res = await write('PUT', uuid, [
      record('old', 'enrolled', OTHER_CURRICULUM),
      record('new', 'pending', OTHER_CURRICULUM),
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ old: 'enrolled', new: 'pending' });
    const results = (await list(uuid)).body.results;
    expect(results).toEqual([
      expect.objectContaining({ student_key: 'old', status: 'enrolled', curriculum_uuid: CURRICULUM }),
      expect.objectContaining({ student_key: 'new', status: 'pending', curriculum_uuid: OTHER_CURRICULUM }),
    ]);
  });

  it('PUT requires curriculum_uuid even for existing keys', async () => {
    const { uuid } = await scenario(0);
    await write('POST', uuid, [record('k')]);
    const res = await write('PUT', uuid, [{ student_key: 'k', status: 'pending' }]);
    expect(res.status).toBe(422);
    expect(res.body).toBe('invalid enrollment record');
  });
});

describe('malformed requests (#write steps 1–3): nothing written', () => {
  const malformed: [string, unknown][] = [
    ['an object', { student_key: 'a', status: 'enrolled' }],
    ['a string', 'nope'],
    ['a record that is not an object', [record('ok'), 7]],
    ['a record without student_key', [{ status: 'enrolled', curriculum_uuid: CURRICULUM }]],
    ['a blank student_key', [record('  ')]],
    ['a numeric student_key', [record(5 as unknown as string)]],
    ['a null status', [record('a', null as unknown as string)]],
    ['a blank status', [record('a', '')]],
    ['a missing status', [{ student_key: 'a', curriculum_uuid: CURRICULUM }]],
    ['a missing curriculum_uuid', [{ student_key: 'a', status: 'enrolled' }]],
    ['a malformed curriculum_uuid', [record('a', 'enrolled', 'xyz')]],
  ];
  it.each(malformed)('%s → 422 "invalid enrollment record"', async (_name, body) => {
    const { uuid } = await scenario(0);
    await write('POST', uuid, [record('existing')]);
    const before = await programChecksum(uuid);
    for (const method of ['POST', 'PUT']) {
      const res = await write(method, uuid, body);
      expect(res.status).toBe(422);
      expect(res.headers.get('Content-Type')).toBe('application/json');
      expect(res.body).toBe('invalid enrollment record');
    }
    expect(await programChecksum(uuid)).toBe(before);
  });

  it('an empty body or a form is not an array: 422', async () => {
    const { uuid } = await scenario(0);
    const empty = await call(enrollmentsPath(uuid), { method: 'POST', headers: staff });
    expect(empty.status).toBe(422);
    const form = await call(enrollmentsPath(uuid), {
      method: 'POST',
      headers: { ...staff, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'student_key=a&status=enrolled',
    });
    expect(form.status).toBe(422);
  });

  it('a body that is not JSON is 400', async () => {
    const { uuid } = await scenario(0);
    const res = await call(enrollmentsPath(uuid), {
      method: 'POST',
      headers: { ...staff, 'Content-Type': 'application/json' },
      body: '[{"student_key": ',
    });
    expect(res.status).toBe(400);
    expect(res.body.developer_message).toMatch(/^JSON parse error - /);
  });

  it('26 records → 413 "enrollment limit 25", 25 are accepted', async () => {
    const { uuid } = await scenario(0);
    const records = Array.from({ length: 26 }, (_, i) => record(`k${i}`));
    const before = await programChecksum(uuid);
    const tooMany = await write('POST', uuid, records);
    expect(tooMany.status).toBe(413);
    expect(tooMany.body).toBe('enrollment limit 25');
    expect(await programChecksum(uuid)).toBe(before);
    const ok = await write('POST', uuid, records.slice(0, 25));
    expect(ok.status).toBe(201);
    expect(Object.keys(ok.body)).toHaveLength(25);
  });

  it('the program is checked first: unknown program → 404 whatever the body', async () => {
    for (const body of [[record('a')], 'garbage', Array(30).fill(1)]) {
      const res = await write('POST', newUuid(), body);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(PROGRAM_NOT_FOUND);
    }
    expect((await list(newUuid())).body).toEqual(PROGRAM_NOT_FOUND);
  });

  it('program UUIDs compare canonically; a non-hex id is the program 404', async () => {
    const { uuid } = await scenario(0);
    await write('POST', uuid, [record('a')]);
    const upper = await list(uuid.toUpperCase());
    expect(upper.status).toBe(200);
    expect(upper.body.results).toHaveLength(1);
    const invalid = await call('/api/program_enrollments/v1/programs/not-a-uuid/enrollments/', { headers: staff });
    expect(invalid.status).toBe(404);
    expect(invalid.body.error_code).toBe('program_does_not_exist');
  });
});

describe('GET program enrollments: cursor paging (#paging)', () => {
  it('walks forward and back with absolute URLs that keep the query', async () => {
    const { uuid } = await scenario(0);
    await write(
      'POST',
      uuid,
      Array.from({ length: 5 }, (_, i) => record(`p${i}`)),
    );
    const first = await list(uuid, '?page_size=2&zeta=1');
    expect(first.body.previous).toBeNull();
    expect(first.body.results.map((r: { student_key: string }) => r.student_key)).toEqual(['p0', 'p1']);
    const next = new URL(first.body.next);
    expect(next.origin).toBe('http://edge.test');
    expect(next.pathname).toBe(enrollmentsPath(uuid));
    expect(first.body.next).toMatch(/\?cursor=[A-Za-z0-9_-]+&page_size=2&zeta=1$/);
    const second = await call(`${next.pathname}${next.search}`, { headers: staff });
    expect(second.body.results.map((r: { student_key: string }) => r.student_key)).toEqual(['p2', 'p3']);
    const third = await call(new URL(second.body.next).pathname + new URL(second.body.next).search, { headers: staff });
    expect(third.body.results.map((r: { student_key: string }) => r.student_key)).toEqual(['p4']);
    expect(third.body.next).toBeNull();
    const back = new URL(third.body.previous);
    const previous = await call(`${back.pathname}${back.search}`, { headers: staff });
    expect(previous.body.results.map((r: { student_key: string }) => r.student_key)).toEqual(['p2', 'p3']);
  });

  it('page_size clamps to 1..1000; default 100; a bad cursor is 404', async () => {
    const { uuid } = await scenario(0);
    await write('POST', uuid, [record('a'), record('b')]);
    expect((await list(uuid, '?page_size=0')).body.results).toHaveLength(1);
    expect((await list(uuid, '?page_size=-5')).body.results).toHaveLength(1);
    expect((await list(uuid, '?page_size=abc')).body.results).toHaveLength(2);
    expect((await list(uuid, '?page_size=100000')).body.results).toHaveLength(2);
    const bad = await list(uuid, '?cursor=nonsense');
    expect(bad.status).toBe(404);
    expect(bad.body).toEqual({ developer_message: 'Invalid cursor' });
  });

  it('an empty program lists nothing', async () => {
    const { uuid } = await scenario(0);
    expect((await list(uuid)).body).toEqual({ next: null, previous: null, results: [] });
  });

  it('a page costs one D1 query whatever the program size', async () => {
    const { uuid } = await scenario(0);
    await write(
      'POST',
      uuid,
      Array.from({ length: 25 }, (_, i) => record(`s${i}`)),
    );
    const res = await list(uuid, '?page_size=3');
    expect(dbQueries(res.headers)).toBe(1);
  });
});

describe('round trips of a 25-record write', () => {
  it('POST, PATCH and PUT of 25 records with linked learners: at most 8 D1 queries (measured: 2)', async () => {
    const { org, uuid } = await scenario(0);
    const keys = Array.from({ length: 25 }, (_, i) => `rt${i}`);
    for (const key of keys.slice(0, 10)) {
      const user = unique('rtu');
      await call(`${ADMIN}/users/${user}`, {
        method: 'PUT',
        headers: apiKeyHeader,
        json: { email: `${user}@example.com` },
      });
      await link(user, org.slug, key);
    }
    const post = await write(
      'POST',
      uuid,
      keys.map((k) => record(k)),
    );
    expect(post.status).toBe(201);
    expect(dbQueries(post.headers)).toBeLessThanOrEqual(8);
    expect(dbQueries(post.headers)).toBe(2);
    const patch = await write(
      'PATCH',
      uuid,
      keys.map((k) => ({ student_key: k, status: 'suspended' })),
    );
    expect(patch.status).toBe(200);
    expect(dbQueries(patch.headers)).toBe(2);
    const put = await write(
      'PUT',
      uuid,
      keys.map((k, i) => record(i % 2 ? k : `${k}-new`, 'pending')),
    );
    expect(put.status).toBe(200);
    expect(dbQueries(put.headers)).toBe(2);
    console.log(
      `25-record program enrollment writes: POST ${dbQueries(post.headers)}, PATCH ${dbQueries(patch.headers)}, PUT ${dbQueries(put.headers)} D1 queries`,
    );
  });
});

describe('concurrent identical writes', () => {
  it('10 parallel identical POSTs: one enrollment per key, one 201, the others conflict', async () => {
    const { uuid } = await scenario(0);
    const body = [record('race-a'), record('race-b')];
    const answers = await Promise.all(Array.from({ length: 10 }, () => write('POST', uuid, body)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, ...Array(9).fill(422)]);
    for (const a of answers.filter((x) => x.status === 422))
      expect(a.body).toEqual({ 'race-a': 'conflict', 'race-b': 'conflict' });
    expect((await list(uuid)).body.results).toHaveLength(2);
  });
});
