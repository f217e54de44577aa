import { beforeAll, describe, expect, it } from 'vitest';
import { grantRole, provisionUser } from '../helpers/provisioning-api';
import { call, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';
import {
  API,
  coursePath,
  enrollmentsPath,
  FORBIDDEN,
  learner,
  NOT_AUTHENTICATED,
  programChecksum,
  record,
  scenario,
  staffHeader,
} from './support';

// Permission matrix of the staff-or-app endpoints (docs/api/programs.md#access, #p1): global staff
// only; 401/403 in the developer shape; decided before any existence check; nothing written.

let uuid: string;
let run: string;
let org: string;
let staff: Record<string, string>;
let courseStaff: { username: string; headers: Record<string, string> };

beforeAll(async () => {
  const s = await scenario(1);
  uuid = s.uuid;
  run = s.runs[0] as string;
  org = s.org.shortName;
  staff = await staffHeader();
  await call(enrollmentsPath(uuid), { method: 'POST', headers: staff, json: [record('a')] });
  courseStaff = await learner();
  await grantRole(run, courseStaff.username, 'staff');
});

const endpoints = () => [
  { name: 'GET enrollments', method: 'GET', path: enrollmentsPath(uuid) },
  { name: 'POST enrollments', method: 'POST', path: enrollmentsPath(uuid), json: [record('new')] },
  {
    name: 'PATCH enrollments',
    method: 'PATCH',
    path: enrollmentsPath(uuid),
    json: [{ student_key: 'a', status: 'canceled' }],
  },
  { name: 'PUT enrollments', method: 'PUT', path: enrollmentsPath(uuid), json: [record('a', 'suspended')] },
  { name: 'GET course enrollments', method: 'GET', path: coursePath(uuid, run) },
  {
    name: 'POST course enrollments',
    method: 'POST',
    path: coursePath(uuid, run),
    json: [{ student_key: 'a', status: 'active' }],
  },
  {
    name: 'PATCH course enrollments',
    method: 'PATCH',
    path: coursePath(uuid, run),
    json: [{ student_key: 'a', status: 'inactive' }],
  },
  {
    name: 'PUT course enrollments',
    method: 'PUT',
    path: coursePath(uuid, run),
    json: [{ student_key: 'a', status: 'inactive' }],
  },
  { name: 'GET grades', method: 'GET', path: `${API}/programs/${uuid}/courses/${run}/grades/` },
];

describe('staff-or-app endpoints: permission matrix', () => {
  it('anonymous and the API key alone → 401 {"developer_message"}', async () => {
    for (const e of endpoints()) {
      for (const headers of [{}, apiKeyHeader]) {
        const res = await call(e.path, { method: e.method, headers, json: e.json });
        expect(res.status, e.name).toBe(401);
        expect(res.headers.get('Content-Type')).toBe('application/json');
        expect(res.body).toEqual(NOT_AUTHENTICATED);
      }
    }
  });

  const refused: [string, () => Promise<Record<string, string>>][] = [
    ['a learner', async () => (await learner()).headers],
    ['course staff of a run of the program', async () => courseStaff.headers],
    [
      'a superuser who is not staff',
      async () => jwtHeader(await provisionUser(unique('root'), { is_superuser: true })),
    ],
    [
      'a restricted application (administrator claim, the org’s content filter, scopes)',
      async () =>
        jwtHeader(unique('app'), {
          administrator: true,
          isRestricted: true,
          scopes: ['enrollments:read', 'enrollments:write'],
          filters: [`content_org:${org}`],
        }),
    ],
  ];
  for (const [who, headers] of refused) {
    it(`${who} → 403 {"developer_message"} on every endpoint, nothing changes`, async () => {
      const before = await programChecksum(uuid, [run]);
      const h = await headers();
      for (const e of endpoints()) {
        const res = await call(e.path, { method: e.method, headers: h, json: e.json });
        expect(res.status, `${e.name}: ${res.text}`).toBe(403);
        expect(res.body).toEqual(FORBIDDEN);
      }
      expect(await programChecksum(uuid, [run])).toBe(before);
    });
  }

  it('no username hole: ?username=<self> does not admit a learner (P1)', async () => {
    const me = await learner();
    for (const e of endpoints()) {
      const res = await call(`${e.path}?username=${me.username}`, {
        method: e.method,
        headers: me.headers,
        json: e.json,
      });
      expect(res.status, e.name).toBe(403);
    }
  });

  it('permission is decided before existence: unknown program → 403 for a learner, 404 for staff', async () => {
    const me = await learner();
    const path = enrollmentsPath(crypto.randomUUID());
    expect((await call(path, { headers: me.headers })).status).toBe(403);
    expect((await call(path, { headers: staff })).status).toBe(404);
  });

  it('global staff pass on every endpoint', async () => {
    for (const e of endpoints()) {
      const res = await call(e.path, { method: e.method, headers: staff, json: e.json });
      expect([200, 201, 207], `${e.name}: ${res.text}`).toContain(res.status);
    }
  });
});

describe('routing', () => {
  it('trailing slash optional; wrong method → 405 with Allow before authentication', async () => {
    expect((await call(enrollmentsPath(uuid).replace(/\/$/, ''), { headers: staff })).status).toBe(200);
    const res = await call(enrollmentsPath(uuid), { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('Allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'PATCH', 'POST', 'PUT']);
    expect((await call(`${API}/programs/${uuid}/overview/`, { method: 'POST' })).status).toBe(405);
    expect((await call(`${API}/integration-reset`, { method: 'GET' })).status).toBe(405);
  });
});
