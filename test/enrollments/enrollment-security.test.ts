import { beforeEach, describe, expect, it } from 'vitest';
import { type Course, createCourse, createUser, enroll, grantRole, type User } from '../helpers/fixtures';
import { call, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader, tokenFor } from '../helpers/tokens';
import { API, expectJson, FORBIDDEN, NOT_AUTHENTICATED, NOT_FOUND, pathId } from './support';

/**
 * Permission matrix of the Enrollment API v1 (#callers, #e2-e3 to #e9): every endpoint × every kind of caller.
 * Target of E2/E4/E5/E7 is `learner`, enrolled in `course`.
 */
type Principal =
  | 'anonymous'
  | 'learner self'
  | 'other learner'
  | 'course staff'
  | 'global staff'
  | 'API key'
  | 'restricted app'
  | 'superuser'
  | 'retirement worker';
const PRINCIPALS: Principal[] = [
  'anonymous',
  'learner self',
  'other learner',
  'course staff',
  'global staff',
  'API key',
  'restricted app',
  'superuser',
  'retirement worker',
];

interface World {
  course: Course;
  learner: User;
  headers: Record<Principal, Record<string, string>>;
}

/**
 * A fresh world per test: `learner` enrolled (audit) in `course`, one caller of each kind. Nothing is
 * shared between tests, so each one stands alone whatever the order (`--sequence.shuffle`).
 */
async function createWorld(): Promise<World> {
  const course = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'honor' }] });
  const learner = await createUser();
  await enroll(learner.id, course.id);
  const other = await createUser();
  const staff = await createUser();
  await grantRole(course.id, staff.id, 'staff');
  const superuser = await createUser({ isSuperuser: true });
  const restricted = await createUser({ isSuperuser: true });
  await grantRole(course.id, restricted.id, 'instructor');
  const headers: Record<Principal, Record<string, string>> = {
    anonymous: {},
    'learner self': await jwtHeader(learner.username),
    'other learner': await jwtHeader(other.username),
    'course staff': await jwtHeader(staff.username),
    'global staff': await jwtHeader(unique('gs'), { administrator: true }),
    'API key': apiKeyHeader,
    'restricted app': await jwtHeader(restricted.username, {
      administrator: true,
      isRestricted: true,
      scopes: ['read', 'write', 'enrollments:read', 'enrollments:write'],
      filters: ['content_org:Org', 'user:me'],
    }),
    superuser: await jwtHeader(superuser.username),
    'retirement worker': await jwtHeader('retirement_service_worker'),
  };
  return { course, learner, headers };
}

/** The learner's enrollment is still the seeded one (audit, active). */
async function expectLearnerUnchanged({ course, learner }: World) {
  const res = await call(`${API}/enrollment/${learner.username},${pathId(course.id)}`, { headers: apiKeyHeader });
  expect(res.body).toMatchObject({ mode: 'audit', is_active: true });
}

interface Endpoint {
  name: string;
  request: (w: World) => { path: string; method?: string; json?: unknown };
  /** Statuses in PRINCIPALS order. */
  expected: number[];
  developerShape?: boolean;
}

const ENDPOINTS: Endpoint[] = [
  {
    name: 'E1 GET /course/{id}',
    request: ({ course }) => ({ path: `${API}/course/${pathId(course.id)}` }),
    expected: [200, 200, 200, 200, 200, 200, 200, 200, 200],
  },
  {
    name: 'E2 GET /enrollment/{user},{id}',
    request: ({ course, learner }) => ({ path: `${API}/enrollment/${learner.username},${pathId(course.id)}` }),
    expected: [401, 200, 404, 404, 200, 200, 403, 404, 404],
  },
  {
    name: 'E3 GET /enrollment/{id}',
    request: ({ course }) => ({ path: `${API}/enrollment/${pathId(course.id)}` }),
    expected: [401, 200, 200, 200, 200, 200, 403, 200, 200],
  },
  {
    name: 'E4 GET /enrollment?user=',
    request: ({ learner }) => ({ path: `${API}/enrollment?user=${learner.username}` }),
    expected: [401, 200, 200, 200, 200, 200, 403, 200, 200],
  },
  {
    name: 'E5 POST /enrollment for the learner',
    request: ({ course, learner }) => ({
      path: `${API}/enrollment`,
      method: 'POST',
      json: { user: learner.username, mode: 'audit', course_details: { course_id: course.id } },
    }),
    expected: [401, 200, 404, 404, 200, 200, 403, 404, 404],
  },
  {
    name: 'E6 GET /roles/',
    request: () => ({ path: `${API}/roles/` }),
    expected: [401, 200, 200, 200, 200, 400, 403, 200, 200],
  },
  {
    name: 'E7 POST /unenroll/ (learner not marked for retirement)',
    request: ({ learner }) => ({ path: `${API}/unenroll/`, method: 'POST', json: { username: learner.username } }),
    expected: [401, 403, 403, 403, 403, 401, 403, 404, 404],
  },
  {
    name: 'E8 GET /enrollments/',
    request: ({ course }) => ({ path: `${API}/enrollments/?course_id=${encodeURIComponent(course.id)}` }),
    expected: [401, 403, 403, 403, 200, 401, 403, 403, 403],
    developerShape: true,
  },
  {
    name: 'E9 GET /enrollment_allowed/',
    request: () => ({ path: `${API}/enrollment_allowed/` }),
    expected: [401, 403, 403, 403, 200, 401, 403, 403, 403],
  },
];

const rows = ENDPOINTS.flatMap((endpoint) =>
  PRINCIPALS.map((principal, i) => [endpoint.name, principal, endpoint.expected[i] as number, endpoint] as const),
);

describe('Enrollment API permission matrix', () => {
  let w: World;
  beforeEach(async () => {
    w = await createWorld();
  });

  it.each(rows)('%s as %s → %i', async (_name, principal, status, endpoint) => {
    const { path, method, json } = endpoint.request(w);
    const res = await call(path, { method, json, headers: w.headers[principal] });
    expect(res.status).toBe(status);
    expectJson(res);
    if (status === 401) {
      expect(res.body).toEqual(
        endpoint.developerShape ? { developer_message: NOT_AUTHENTICATED.detail } : NOT_AUTHENTICATED,
      );
      expect(res.headers.get('WWW-Authenticate')).toBe('JWT realm="api"');
    }
    if (status === 403) {
      expect(res.body).toEqual(endpoint.developerShape ? { developer_message: FORBIDDEN.detail } : FORBIDDEN);
    }
    if (status === 404 && !path.includes('/unenroll')) expect(res.body).toEqual(NOT_FOUND);
    await expectLearnerUnchanged(w);
  });

  it('never changed the learner enrollment (every endpoint × every caller, in one world)', async () => {
    for (const endpoint of ENDPOINTS) {
      for (const principal of PRINCIPALS) {
        const { path, method, json } = endpoint.request(w);
        await call(path, { method, json, headers: w.headers[principal] });
      }
    }
    await expectLearnerUnchanged(w);
    // Every endpoint × caller one after the other: ~4 s here, over vitest's 5 s default on a busy machine.
  }, 60_000);
});

describe('authentication details (#callers, conventions.md#authentication)', () => {
  it.each([
    ['an expired JWT', async () => `JWT ${await tokenFor(unique('x'), { expiresIn: -10 })}`],
    ['a JWT signed with another secret', async () => `JWT ${await tokenFor(unique('x'), { secret: 'nope' })}`],
    ['a JWT for another audience', async () => `JWT ${await tokenFor(unique('x'), { audience: 'other' })}`],
    ['garbage', async () => 'JWT garbage'],
  ])('answers 401 detail with WWW-Authenticate for %s, even with a valid API key', async (_name, auth) => {
    const authorization = await auth();
    for (const extra of [{}, apiKeyHeader]) {
      const res = await call(`${API}/enrollment`, { headers: { Authorization: authorization, ...extra } });
      expect(res.status).toBe(401);
      expect(typeof res.body.detail).toBe('string');
      expect(res.headers.get('WWW-Authenticate')).toBe('JWT realm="api"');
    }
  });

  it('accepts Bearer as well as JWT', async () => {
    const token = await tokenFor(unique('b'));
    const res = await call(`${API}/enrollment`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it('refuses a wrong API key like no API key', async () => {
    const res = await call(`${API}/enrollment`, { headers: { 'X-Edx-Api-Key': 'wrong' } });
    expect(res.status).toBe(401);
    expect(res.body).toEqual(NOT_AUTHENTICATED);
  });

  it('authenticates inactive accounts (allow-inactive authenticators)', async () => {
    const course2 = await createCourse();
    const user = await createUser({ isActive: false });
    await enroll(user.id, course2.id);
    const headers2 = await jwtHeader(user.username);
    expect((await call(`${API}/enrollment`, { headers: headers2 })).body).toHaveLength(1);
    const post = await call(`${API}/enrollment`, {
      method: 'POST',
      json: { course_details: { course_id: (await createCourse()).id } },
      headers: headers2,
    });
    expect(post.status).toBe(200);
  });

  it('decides 405 before authentication', async () => {
    for (const [path, method] of [
      [`${API}/enrollment`, 'DELETE'],
      [`${API}/roles/`, 'POST'],
      [`${API}/unenroll/`, 'PUT'],
      [`${API}/enrollments/`, 'POST'],
    ] as const) {
      const res = await call(path, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expectJson(res);
      expect(res.headers.get('Allow')).toBeTruthy();
    }
  });
});
