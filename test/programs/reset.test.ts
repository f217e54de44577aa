import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { BASE, call, unique } from '../helpers/request';
import { jwtHeader } from '../helpers/tokens';
import {
  API,
  coursePath,
  enrollmentOf,
  enrollmentsPath,
  learner,
  link,
  programChecksum,
  provisionOrg,
  provisionProgram,
  record,
  rowsOf,
  scenario,
  staffHeader,
} from './support';

// POST /api/program_enrollments/v1/integration-reset/ (docs/api/programs.md#reset). The test worker
// runs with the reset off; "on" goes to the worker module with an env that enables it.

const RESET = `${API}/integration-reset/`;
const enabledEnv: Env = { ...env, ENABLE_ENROLLMENT_RESET: 'true' };

async function reset(json: unknown, headers: Record<string, string>, path = RESET) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${BASE}${path}`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify(json),
    }),
    enabledEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

let staff: Record<string, string>;
beforeAll(async () => {
  staff = await staffHeader();
});

const userExists = async (username: string) =>
  (await env.DB.prepare('select 1 from users where username = ?').bind(username).first()) !== null;

describe('integration reset', () => {
  it('permission first: 401/403 in the {"detail"} shape even when the feature is off', async () => {
    const anonymous = await call(RESET, { method: 'POST', json: { organization: 'x' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ detail: 'Authentication credentials were not provided.' });
    const someone = await learner();
    const refused = await call(RESET, { method: 'POST', headers: someone.headers, json: { organization: 'x' } });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ detail: 'You do not have permission to perform this action.' });
    const app = await jwtHeader(unique('app'), { administrator: true, isRestricted: true });
    expect((await reset({ organization: 'x' }, app)).status).toBe(403);
  });

  it('off (ENABLE_ENROLLMENT_RESET=false) → 501, whatever the body', async () => {
    for (const body of [{ organization: 'x' }, {}, 'junk']) {
      const res = await call(RESET, { method: 'POST', headers: staff, json: body });
      expect(res.status).toBe(501);
      expect(res.body).toBe('reset not enabled on this environment');
    }
  });

  it('on: 400 without organization, 404 for an unknown one (with and without the slash)', async () => {
    for (const body of [{}, { organization: '' }, { organization: null }]) {
      const res = await reset(body, staff);
      expect(res.status).toBe(400);
      expect(res.body).toBe("missing required body content 'organization'");
    }
    const unknown = await reset({ organization: 'NoSuchOrgXyz' }, staff, `${API}/integration-reset`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toBe('organization NoSuchOrgXyz not found');
  });

  it('deletes the provider’s linked users and the org’s program enrollments with their course enrollments', async () => {
    const { org, runs, uuid } = await scenario(1);
    const run = runs[0] as string;
    const linked = await learner();
    await link(linked.username, org.slug, 'linked');
    await call(enrollmentsPath(uuid), { method: 'POST', headers: staff, json: [record('linked'), record('waiting')] });
    await call(coursePath(uuid, run), {
      method: 'POST',
      headers: staff,
      json: [
        { student_key: 'linked', status: 'active' },
        { student_key: 'waiting', status: 'active' },
      ],
    });
    // Another organization's program on the same run, with its own linked learner.
    const other = await provisionOrg();
    const keeper = await learner();
    await link(keeper.username, other.slug, 'keeper');
    const shared = await provisionProgram({ org: other.shortName, runs: [run] });
    await call(enrollmentsPath(shared), { method: 'POST', headers: staff, json: [record('keeper')] });
    await call(coursePath(shared, run), {
      method: 'POST',
      headers: staff,
      json: [{ student_key: 'keeper', status: 'active' }],
    });
    const otherBefore = await programChecksum(shared);
    expect(await enrollmentOf(linked.username, run)).not.toBeNull();

    const res = await reset({ organization: org.shortName }, staff);
    expect(res.status).toBe(200);
    expect(res.body).toBe('success');
    expect(await userExists(linked.username)).toBe(false);
    expect(await rowsOf('select * from program_enrollments where program_uuid = ?', uuid)).toBe('[]');
    expect(await rowsOf('select * from program_course_enrollments where program_uuid = ?', uuid)).toBe('[]');
    expect(await rowsOf('select * from user_external_ids where provider_slug = ?', org.slug)).toBe('[]');
    // The other organization's data is untouched.
    expect(await userExists(keeper.username)).toBe(true);
    expect(await programChecksum(shared)).toBe(otherBefore);
    expect(await enrollmentOf(keeper.username, run)).toMatchObject({ isActive: 1 });
    // The program itself stays in the catalog.
    expect(await rowsOf('select uuid from catalog_programs where uuid = ?', uuid)).toBe(JSON.stringify([{ uuid }]));
  });

  it('an organization without provider: only the program enrollments go', async () => {
    const org = await provisionOrg({ slug: null });
    const uuid = await provisionProgram({ org: org.shortName });
    await call(enrollmentsPath(uuid), { method: 'POST', headers: staff, json: [record('a')] });
    const res = await reset({ organization: org.shortName }, staff);
    expect(res.status).toBe(200);
    expect(await rowsOf('select * from program_enrollments where program_uuid = ?', uuid)).toBe('[]');
  });
});
