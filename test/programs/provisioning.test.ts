import { describe, expect, it } from 'vitest';
import { ADMIN, newCourseId, provisionCourse, provisionUser } from '../helpers/provisioning-api';
import { call, dbQueries, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';
import { newUuid, programBody, provisionOrg, rowsOf } from './support';

// Provisioning of the program domain (docs/api/provisioning.md#programs).

const put = (path: string, json: unknown, headers: Record<string, string> = apiKeyHeader) =>
  call(`${ADMIN}${path}`, { method: 'PUT', headers, json });

describe('PUT /organizations/{short_name}', () => {
  it('creates (201) then replaces (200), one round trip', async () => {
    const name = unique('OrgP');
    const created = await put(`/organizations/${name}`, { name: 'Test U', sso_provider_slug: `${name}-saml` });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ short_name: name, name: 'Test U', sso_provider_slug: `${name}-saml` });
    expect(dbQueries(created.headers)).toBe(1);
    const replaced = await put(`/organizations/${name}`, { name: 'Renamed' });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({ short_name: name, name: 'Renamed', sso_provider_slug: null });
  });

  it('a provider slug belongs to one organization: 409, nothing changes', async () => {
    const first = await provisionOrg();
    const name = unique('OrgQ');
    const res = await put(`/organizations/${name}`, { name: 'Copycat', sso_provider_slug: first.slug });
    expect(res.status).toBe(409);
    expect(res.body.error_code).toBe('sso_provider_in_use');
    expect(await rowsOf('select * from organizations where short_name = ?', name)).toBe('[]');
  });

  it('400 names each bad field; 401/403 for other callers', async () => {
    const res = await put('/organizations/bad%20name', { name: ' ', sso_provider_slug: 'no spaces' });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.field_errors).sort()).toEqual(['name', 'short_name', 'sso_provider_slug']);
    expect((await put(`/organizations/${unique('O')}`, { name: 'x' }, {})).status).toBe(401);
    expect((await put(`/organizations/${unique('O')}`, { name: 'x' }, await jwtHeader(unique('l')))).status).toBe(403);
  });
});

describe('PUT /programs/{program_uuid}', () => {
  it('stores the UUID canonically, answers the program with its active curriculum', async () => {
    const uuid = newUuid();
    const body = programBody({ org: 'SomeOrg', runs: [newCourseId()] });
    const created = await put(`/programs/${uuid.toUpperCase().replaceAll('-', '')}`, body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      uuid,
      title: 'Master of Toys',
      type: 'Masters',
      marketing_slug: body.marketing_slug,
      active_curriculum_uuid: 'aaaaaaaa-1111-2222-3333-444444444444',
      authoring_organizations: [{ key: 'SomeOrg', name: 'Org' }],
    });
    expect(created.body.curricula).toHaveLength(2);
    expect(dbQueries(created.headers)).toBe(1);
    const replaced = await put(`/programs/${uuid}`, { ...body, title: 'Renamed' });
    expect(replaced.status).toBe(200);
    expect(replaced.body.title).toBe('Renamed');
  });

  it('derives the program runs on every PUT (replacing the previous ones)', async () => {
    const uuid = newUuid();
    const [a, b, top] = [newCourseId(), newCourseId(), newCourseId()];
    await put(`/programs/${uuid}`, programBody({ runs: [a], topLevelRuns: [top] }));
    await put(`/programs/${uuid}`, programBody({ runs: [b], topLevelRuns: [top] }));
    expect(
      await rowsOf(
        'select course_id, in_active_curriculum from catalog_program_runs where program_uuid = ? order by in_active_curriculum desc',
        uuid,
      ),
    ).toBe(
      JSON.stringify([
        { course_id: b, in_active_curriculum: 1 },
        { course_id: top, in_active_curriculum: 0 },
      ]),
    );
  });

  it('400 for a bad UUID, a bad run key, missing fields', async () => {
    const bad = await put('/programs/abc', {
      ...programBody(),
      curricula: [{ uuid: 'x', is_active: 'yes', courses: [{ key: 'k', course_runs: [{ key: 'nope' }] }] }],
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.field_errors).sort()).toEqual([
      'curricula.0.courses.0.course_runs.0.key',
      'curricula.0.is_active',
      'curricula.0.uuid',
      'program_uuid',
    ]);
    const missing = await put(`/programs/${newUuid()}`, {});
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.body.field_errors).sort()).toEqual(['curricula', 'marketing_slug', 'title', 'type']);
  });
});

describe('learner records: grades, certificates, progress, due dates', () => {
  it('grades: 201 then 200; a grade or an error, never both', async () => {
    const course = await provisionCourse();
    const user = await provisionUser();
    const created = await put(`/courses/${course}/grades/${user}`, { percent: 0.9, letter_grade: 'A', passed: true });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      course_id: course,
      username: user,
      percent: 0.9,
      letter_grade: 'A',
      passed: true,
      error: null,
    });
    const replaced = await put(`/courses/${course}/grades/${user}`, { error: 'not yet' });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({
      course_id: course,
      username: user,
      percent: null,
      letter_grade: null,
      passed: null,
      error: 'not yet',
    });
    const mixed = await put(`/courses/${course}/grades/${user}`, { error: 'x', percent: 0.5 });
    expect(mixed.status).toBe(400);
    expect(Object.keys(mixed.body.field_errors)).toEqual(['percent']);
    const incomplete = await put(`/courses/${course}/grades/${user}`, { percent: 1.5 });
    expect(Object.keys(incomplete.body.field_errors).sort()).toEqual(['passed', 'percent']);
  });

  it('certificates: created defaults to now, status from upstream’s list', async () => {
    const course = await provisionCourse();
    const user = await provisionUser();
    const res = await put(`/courses/${course}/certificates/${user}`, {
      status: 'downloadable',
      download_url: 'https://c.example/1',
    });
    expect(res.status).toBe(201);
    expect(Date.now() - Date.parse(res.body.created)).toBeLessThan(60_000);
    const dated = await put(`/courses/${course}/certificates/${user}`, {
      status: 'notpassing',
      created: '2020-01-01T00:00:00+01:00',
    });
    expect(dated.status).toBe(200);
    expect(dated.body).toEqual({
      course_id: course,
      username: user,
      status: 'notpassing',
      download_url: null,
      created: '2019-12-31T23:00:00Z',
    });
    expect((await put(`/courses/${course}/certificates/${user}`, { status: 'shiny' })).status).toBe(400);
  });

  it('progress: resume URL and e-mail opt-out', async () => {
    const course = await provisionCourse();
    const user = await provisionUser();
    const res = await put(`/courses/${course}/progress/${user}`, { resume_block_url: '/x', email_opt_out: true });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ course_id: course, username: user, resume_block_url: '/x', email_opt_out: true });
    expect((await put(`/courses/${course}/progress/${user}`, {})).body).toMatchObject({
      resume_block_url: null,
      email_opt_out: false,
    });
  });

  it('404 names the missing run or user; nothing is stored', async () => {
    const course = await provisionCourse();
    const user = await provisionUser();
    const noCourse = await put(`/courses/${newCourseId()}/grades/${user}`, { error: 'x' });
    expect(noCourse.status).toBe(404);
    expect(noCourse.body.error_code).toBe('course_not_found');
    const noUser = await put(`/courses/${course}/certificates/nobody-${unique('x')}`, { status: 'downloadable' });
    expect(noUser.status).toBe(404);
    expect(noUser.body.error_code).toBe('user_not_found');
    expect(await rowsOf('select * from certificates where course_id = ?', course)).toBe('[]');
  });

  it('due dates: replaced as a list (200), 404 unknown run, 400 for a non-array or a bad date', async () => {
    const course = await provisionCourse();
    const first = await put(`/courses/${course}/due-dates`, [
      { name: 'A', url: '/a', date: '2031-01-01T00:00:00Z' },
      { name: 'B', url: '/b', date: '2031-02-01T10:30:00.500Z' },
    ]);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      course_id: course,
      due_dates: [
        { name: 'A', url: '/a', date: '2031-01-01T00:00:00Z' },
        { name: 'B', url: '/b', date: '2031-02-01T10:30:00.500000Z' },
      ],
    });
    expect((await put(`/courses/${course}/due-dates`, [])).body.due_dates).toEqual([]);
    expect((await put(`/courses/${newCourseId()}/due-dates`, [])).status).toBe(404);
    const notArray = await put(`/courses/${course}/due-dates`, { name: 'A' });
    expect(notArray.status).toBe(400);
    const badDate = await put(`/courses/${course}/due-dates`, [{ name: 'A', url: '/a', date: 'tomorrow' }]);
    expect(badDate.status).toBe(400);
    expect(Object.keys(badDate.body.field_errors)).toEqual(['0.date']);
  });
});

describe('OpenAPI document', () => {
  it('documents the program endpoints and their provisioning', async () => {
    const res = await call('/openapi.json');
    const paths = res.body.paths as Record<string, Record<string, unknown>>;
    const expected: Record<string, string[]> = {
      '/api/program_enrollments/v1/programs/{program_uuid}/enrollments': ['get', 'patch', 'post', 'put'],
      '/api/program_enrollments/v1/programs/{program_uuid}/courses/{course_id}/enrollments': [
        'get',
        'patch',
        'post',
        'put',
      ],
      '/api/program_enrollments/v1/programs/{program_uuid}/courses/{course_id}/grades': ['get'],
      '/api/program_enrollments/v1/programs/{program_uuid}/overview': ['get'],
      '/api/program_enrollments/v1/programs/enrollments': ['get'],
      '/api/program_enrollments/v1/programs/readonly_access': ['get'],
      '/api/program_enrollments/v1/users/{username}/programs/{program_uuid}/courses': ['get'],
      '/api/program_enrollments/v1/integration-reset': ['post'],
      '/api/admin/v1/organizations/{short_name}': ['put'],
      '/api/admin/v1/users/{username}/external-ids/{provider_slug}': ['put'],
      '/api/admin/v1/programs/{program_uuid}': ['put'],
      '/api/admin/v1/courses/{course_id}/grades/{username}': ['put'],
      '/api/admin/v1/courses/{course_id}/certificates/{username}': ['put'],
      '/api/admin/v1/courses/{course_id}/progress/{username}': ['put'],
      '/api/admin/v1/courses/{course_id}/due-dates': ['put'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      expect(Object.keys(paths[path] ?? {}).sort(), path).toEqual(methods);
    }
  });
});

describe('child programs', () => {
  it('nest at most 3 levels below the program', async () => {
    const child = (depth: number): Record<string, unknown> => ({
      uuid: newUuid(),
      curricula: [{ uuid: newUuid(), is_active: true, courses: [], programs: depth > 0 ? [child(depth - 1)] : [] }],
    });
    const body = (depth: number) => ({
      ...programBody(),
      curricula: [{ uuid: newUuid(), is_active: true, courses: [], programs: [child(depth)] }],
    });
    expect((await put(`/programs/${newUuid()}`, body(2))).status).toBe(201);
    const tooDeep = await put(`/programs/${newUuid()}`, body(3));
    expect(tooDeep.status).toBe(400);
  });
});

describe('a path that reads both as a legacy course id and as a learner record', () => {
  it('PUT /courses/A/certificates/B is the certificate route, never a course named A/certificates/B', async () => {
    const org = unique('Amb').replace(/[^A-Za-z0-9]/g, '');
    const user = await provisionUser();
    const res = await put(`/courses/${org}/certificates/${user}`, { status: 'downloadable' });
    // The certificate route's answer: `A` is no course key (a course upsert would ask for its fields).
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.field_errors)).toEqual(['course_id']);
    expect(await rowsOf('select id from course_runs where id = ?', `${org}/certificates/${user}`)).toBe('[]');
  });
});
