import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { grantRole, provisionCourse } from '../helpers/provisioning-api';
import { call, dbQueries } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';
import {
  API,
  enrollmentsPath,
  FORBIDDEN,
  learner,
  link,
  NOT_AUTHENTICATED,
  newUuid,
  provisionOrg,
  provisionProgram,
  record,
  staffHeader,
  userIdOf,
} from './support';

// GET /programs/enrollments/ and /programs/readonly_access/ (docs/api/programs.md#access-list).

let staff: Record<string, string>;
beforeAll(async () => {
  staff = await staffHeader();
});

const PATHS = [`${API}/programs/enrollments/`, `${API}/programs/readonly_access/`];
const uuidsOf = (body: { uuid: string }[]) => body.map((p) => p.uuid);

async function programWithSlug(options: Parameters<typeof provisionProgram>[0]) {
  const uuid = await provisionProgram(options);
  const row = await env.DB.prepare('select marketing_slug as slug from catalog_programs where uuid = ?')
    .bind(uuid)
    .first<{ slug: string }>();
  return { uuid, slug: row?.slug as string };
}

describe('read-only access list', () => {
  it('global staff: every program of the type (default masters, compared lower-cased)', async () => {
    const masters = await programWithSlug({ type: 'Masters' });
    const micro = await programWithSlug({ type: 'MicroMasters' });
    for (const path of PATHS) {
      const res = await call(path, { headers: staff });
      expect(res.status).toBe(200);
      expect(res.body).toContainEqual({ uuid: masters.uuid, slug: masters.slug });
      expect(uuidsOf(res.body)).not.toContain(micro.uuid);
      const typed = await call(`${path}?type=MICROMASTERS`, { headers: staff });
      expect(uuidsOf(typed.body)).toContain(micro.uuid);
      expect(uuidsOf(typed.body)).not.toContain(masters.uuid);
    }
    expect((await call(`${PATHS[0]}?type=no-such-type`, { headers: staff })).body).toEqual([]);
  });

  it('course staff or instructor: the programs of the type containing their runs, once each', async () => {
    const [r1, r2, r3, other] = [
      await provisionCourse(),
      await provisionCourse(),
      await provisionCourse(),
      await provisionCourse(),
    ];
    const both = await programWithSlug({ runs: [r1, r2] });
    const viaTopLevel = await programWithSlug({ topLevelRuns: [r3] });
    const micro = await programWithSlug({ runs: [r1], type: 'MicroMasters' });
    await programWithSlug({ runs: [other] });
    const teacher = await learner();
    await grantRole(r1, teacher.username, 'staff');
    await grantRole(r2, teacher.username, 'instructor');
    await grantRole(r3, teacher.username, 'staff');
    // Program enrollments of course staff are not added (baseline).
    const org = await provisionOrg();
    const enrolledIn = await provisionProgram({ org: org.shortName });
    await link(teacher.username, org.slug, 'teacher');
    await call(enrollmentsPath(enrolledIn), { method: 'POST', headers: staff, json: [record('teacher')] });
    const res = await call(PATHS[1] as string, { headers: teacher.headers });
    expect(res.status).toBe(200);
    expect([...res.body].sort((a, b) => a.uuid.localeCompare(b.uuid))).toEqual(
      [both, viaTopLevel].sort((a, b) => a.uuid.localeCompare(b.uuid)),
    );
    expect(uuidsOf((await call(`${PATHS[1]}?type=micromasters`, { headers: teacher.headers })).body)).toEqual([
      micro.uuid,
    ]);
  });

  it('learners: programs enrolled or pending in, any type; others and unknown programs are skipped', async () => {
    const org = await provisionOrg();
    const enrolled = await programWithSlug({ org: org.shortName, type: 'MicroMasters' });
    const pending = await programWithSlug({ org: org.shortName });
    const canceled = await programWithSlug({ org: org.shortName });
    const student = await learner();
    await link(student.username, org.slug, 'stu');
    for (const [program, status] of [
      [enrolled, 'enrolled'],
      [pending, 'pending'],
      [canceled, 'canceled'],
    ] as const) {
      await call(enrollmentsPath(program.uuid), { method: 'POST', headers: staff, json: [record('stu', status)] });
    }
    // An enrollment in a program the catalog no longer has.
    const now = Date.now();
    await env.DB.prepare(
      "insert into program_enrollments (program_uuid, curriculum_uuid, user_id, external_user_key, status, created_at, updated_at) values (?, ?, ?, 'stu', 'enrolled', ?, ?)",
    )
      .bind(newUuid(), newUuid(), await userIdOf(student.username), now, now)
      .run();
    const res = await call(PATHS[0] as string, { headers: student.headers });
    expect([...res.body].sort((a, b) => a.uuid.localeCompare(b.uuid))).toEqual(
      [enrolled, pending].sort((a, b) => a.uuid.localeCompare(b.uuid)),
    );
    expect(dbQueries((await call(PATHS[0] as string, { headers: student.headers })).headers)).toBe(1);
  });

  it('a user with nothing gets []', async () => {
    const nobody = await learner();
    expect((await call(PATHS[0] as string, { headers: nobody.headers })).body).toEqual([]);
  });

  it('anonymous and API-key-only → 401; restricted applications → 403 (JSON, developer shape)', async () => {
    for (const path of PATHS) {
      const anonymous = await call(path);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual(NOT_AUTHENTICATED);
      expect((await call(path, { headers: apiKeyHeader })).status).toBe(401);
      const app = await jwtHeader('restricted-app', {
        administrator: true,
        isRestricted: true,
        filters: ['content_org:edX'],
      });
      const restricted = await call(path, { headers: app });
      expect(restricted.status).toBe(403);
      expect(restricted.body).toEqual(FORBIDDEN);
    }
  });
});
