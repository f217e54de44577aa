import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { BASE } from '../helpers/request';
import { jwtHeader } from '../helpers/tokens';

// A `{program_uuid}` that cannot be a UUID reaches its route (docs/api/programs.md#errors): the
// program API's 404 naming it, after authentication and permission, never the app's "No route".
const V1 = `${BASE}/api/program_enrollments/v1`;
const BAD = 'not-a-program';
const PATHS = [
  `/programs/${BAD}/enrollments/`,
  `/programs/${BAD}/courses/course-v1:edX+DemoX+Demo_Course/enrollments/`,
  `/programs/${BAD}/courses/course-v1:edX+DemoX+Demo_Course/grades/`,
  `/programs/${BAD}/overview/`,
  `/users/uuid_learner/programs/${BAD}/courses`,
];

let staff: Record<string, string>;
beforeAll(async () => {
  staff = await jwtHeader('uuid_staff', { administrator: true });
});

describe('an invalid program UUID', () => {
  it.each(PATHS)('GET %s: the program 404 naming the UUID', async (path) => {
    const res = await SELF.fetch(`${V1}${path}`, { headers: staff });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      developer_message: `no program exists with given key '${BAD}'`,
      error_code: 'program_does_not_exist',
    });
  });

  it('is decided after authentication', async () => {
    const res = await SELF.fetch(`${V1}/programs/${BAD}/enrollments/`);
    expect(res.status).toBe(401);
  });

  it('answers a write as an unknown program does, whatever the records', async () => {
    const write = (uuid: string) =>
      SELF.fetch(`${V1}/programs/${uuid}/enrollments/`, {
        method: 'POST',
        headers: { ...staff, 'Content-Type': 'application/json' },
        body: JSON.stringify([{ student_key: 'k', status: 'bogus' }]),
      });
    const unknown = await write('00000000-0000-4000-8000-00000000dead');
    expect(unknown.status).toBe(404);
    const res = await write(BAD);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error_code: 'program_does_not_exist' });
  });

  it('is truncated when long', async () => {
    const long = 'z'.repeat(20_000);
    const res = await SELF.fetch(`${V1}/programs/${long}/enrollments/`, { headers: staff });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { developer_message: string };
    expect(body.developer_message).toBe(`no program exists with given key '${'z'.repeat(100)}…'`);
  });
});
