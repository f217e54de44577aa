import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { body, postEnrollment } from '../enrollments/support';
import { bulk, newEmail } from '../helpers/bulk-fixtures';
import { createCohort, createCourse, createUser } from '../helpers/fixtures';
import { ADMIN, grantRole, provisionCourse, provisionUser } from '../helpers/provisioning-api';
import { BASE, call, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';
import { coursePath, enrollmentsPath, learner, link, record, scenario } from '../programs/support';
import { bySubject, logEnd, ofCourse, ofUser, T, typesOf } from './emitters-support';

// Requests that must write no event (docs/events.md#the-log): refused, dry runs, provisioning writes
// (docs/events.md#types: they come from the LMS) and the program integration reset.

const ALL_TYPES = Object.values(T);
const staffHeaders = async () => {
  const staff = await createUser({ username: unique('evnone'), isStaff: true });
  return jwtHeader(staff.username, { administrator: true });
};

describe('refused Enrollment API requests write no event', () => {
  it('403, 404 and 400 answers, for a new and for an existing enrollment', async () => {
    const course = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'verified' }] });
    const closed = await createCourse({ enrollmentEnd: Date.now() - 3600_000 });
    await createCohort(course.id, 'Only Cohort');
    const [user, other] = [await createUser(), await createUser()];
    const self = await jwtHeader(user.username);
    const staff = await staffHeaders();
    const refusals: [Record<string, unknown>, Record<string, string>, number][] = [
      [body(course.id, { mode: 'verified' }), self, 403],
      [body(course.id, { cohort: 'Only Cohort' }), self, 403],
      [body(course.id, { user: other.username }), self, 404],
      [body(course.id, { user: user.username, cohort: 'No Such Cohort' }), staff, 400],
      [body(course.id, { user: user.username, mode: 'professional' }), staff, 400],
      [body(course.id, { is_active: 'yes' }), self, 400],
      [body(closed.id), self, 400],
    ];
    const attempt = async () => {
      for (const [json, headers, status] of refusals) expect((await postEnrollment(json, headers)).status).toBe(status);
    };
    await attempt();
    expect(await ofCourse(course.id)).toEqual([]);
    expect(await ofCourse(closed.id)).toEqual([]);

    expect((await postEnrollment(body(course.id), self)).status).toBe(200);
    const enrolled = await ofUser(user.username);
    expect(typesOf(enrolled)).toEqual([T.created]);
    await attempt();
    // Stale data: a mode and a deactivation at once are refused.
    expect(
      (await postEnrollment(body(course.id, { user: user.username, mode: 'verified', is_active: false }), staff))
        .status,
    ).toBe(400);
    expect(await ofUser(user.username)).toEqual(enrolled);
    expect(await ofUser(other.username)).toEqual([]);
  });
});

describe('bulk enrollment: dry runs and refusals write no event', () => {
  it('dry_run (plain, auto_enroll, email_students, cohorts, unenroll): no enrollment, cohort or e-mail event', async () => {
    const course = await createCourse();
    const cohort = await createCohort(course.id, 'Dry Cohort');
    const [fresh, enrolled] = [await createUser(), await createUser()];
    const staff = await staffHeaders();
    expect((await postEnrollment(body(course.id, { user: enrolled.username }), apiKeyHeader)).status).toBe(200);
    const before = await ofCourse(course.id);
    const invited = newEmail('evdry');
    const cursor = await logEnd();
    const identifiers = `${fresh.username},${enrolled.username},${invited}`;
    const variants = [
      { action: 'enroll' },
      { action: 'enroll', auto_enroll: true },
      { action: 'enroll', email_students: true },
      { action: 'enroll', auto_enroll: true, email_students: true, cohorts: cohort.name },
      { action: 'unenroll', email_students: true },
    ];
    for (const variant of variants) {
      const res = await bulk({ identifiers, courses: course.id, dry_run: true, ...variant }, staff);
      expect(res.status, res.text).toBe(200);
      expect(res.body.dry_run).toBe(true);
    }
    // A CSV upload takes its other fields, dry_run included, from the query string.
    const fields = new URLSearchParams({
      courses: course.id,
      action: 'enroll',
      email_students: 'true',
      dry_run: 'true',
    });
    const query = await call(`/api/bulk_enroll/v1/bulk_enroll/?${fields}`, {
      method: 'POST',
      headers: { ...staff, 'Content-Type': 'text/csv' },
      body: `identifier\n${identifiers.replaceAll(',', '\n')}\n`,
    });
    expect(query.status, query.text).toBe(200);
    expect(query.body.dry_run).toBe(true);

    expect(await ofCourse(course.id)).toEqual(before);
    expect(await ofUser(fresh.username)).toEqual([]);
    expect(await bySubject(cursor, [T.email], [fresh.email, enrolled.email, invited])).toEqual([]);
  });

  it('a refused bulk request (unknown cohort 400, unknown course 404) writes nothing for the good course', async () => {
    const course = await createCourse();
    const user = await createUser();
    const staff = await staffHeaders();
    const cursor = await logEnd();
    const request = { identifiers: user.username, action: 'enroll', email_students: true };
    expect((await bulk({ ...request, courses: course.id, cohorts: 'Nope' }, staff)).status).toBe(400);
    expect((await bulk({ ...request, courses: `${course.id},course-v1:No+Such+Course` }, staff)).status).toBe(404);
    expect(await ofCourse(course.id)).toEqual([]);
    expect(await bySubject(cursor, [T.email], [user.email])).toEqual([]);
  });
});

describe('provisioning writes emit nothing', () => {
  it('users, retirement, courses, embargo, roles, grades, certificates, organizations: even for an enrolled learner', async () => {
    const username = await provisionUser(unique('evprov'), { name: 'Provisioned', language: 'en' });
    const courseId = await provisionCourse();
    expect((await postEnrollment(body(courseId, { user: username }), apiKeyHeader)).status).toBe(200);
    const [userBefore, courseBefore] = [await ofUser(username), await ofCourse(courseId)];
    expect(typesOf(courseBefore)).toEqual([T.created]);
    const { org, uuid } = await scenario(0);
    const cursor = await logEnd();
    const send = async (path: string, json: unknown, method = 'PUT') => {
      const res = await call(`${ADMIN}${path}`, { method, headers: apiKeyHeader, json });
      expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(300);
    };
    const newAddress = `${username}.new@example.com`;
    await provisionUser(username, { email: newAddress, is_staff: true, country: 'FR', name: 'Renamed' });
    await provisionUser(username, { email: newAddress, is_active: false });
    await provisionUser(username, { email: newAddress });
    await provisionCourse(courseId, {
      course_name: 'Renamed',
      invite_only: true,
      modes: [{ slug: 'honor', name: 'H' }],
    });
    await send(`/courses/${courseId}/embargo`, { blocked_countries: ['KP'] });
    await grantRole(courseId, username, 'instructor');
    await send(`/courses/${courseId}/roles/${username}/instructor`, undefined, 'DELETE');
    await send(`/courses/${courseId}/grades/${username}`, { percent: 0.9, letter_grade: 'A', passed: true });
    await send(`/courses/${courseId}/certificates/${username}`, { status: 'downloadable' });
    await send(`/users/${username}/retirement`, {});
    await send(`/organizations/${org.shortName}`, { name: 'Renamed University', sso_provider_slug: org.slug });

    expect(await ofUser(username)).toEqual(userBefore);
    expect(await ofCourse(courseId)).toEqual(courseBefore);
    expect(await bySubject(cursor, [T.program, T.programCourse, T.email], [uuid, newAddress])).toEqual([]);
  });
});

describe('program writes that change nothing, and the integration reset', () => {
  it('a malformed or failed program write emits nothing', async () => {
    const { runs, uuid } = await scenario(1);
    const run = runs[0] as string;
    const staff = await staffHeaders();
    const cursor = await logEnd();
    const malformed = [{ student_key: 'k', status: '' }];
    expect((await call(enrollmentsPath(uuid), { method: 'POST', headers: staff, json: malformed })).status).toBe(422);
    expect((await call(coursePath(uuid, run), { method: 'POST', headers: staff, json: malformed })).status).toBe(400);
    // `enrolled` is no program-course status: no success, nothing written.
    expect((await call(coursePath(uuid, run), { method: 'POST', headers: staff, json: [record('k')] })).status).toBe(
      422,
    );
    expect(await bySubject(cursor, ALL_TYPES, [uuid])).toEqual([]);
    expect(await ofCourse(run)).toEqual([]);
  });

  it('POST /integration-reset/ deletes what the integration made without an event', async () => {
    const { org, runs, uuid } = await scenario(1);
    const run = runs[0] as string;
    const staff = await staffHeaders();
    const ann = await learner();
    await link(ann.username, org.slug, 'ann');
    const write = (path: string, json: unknown) => call(path, { method: 'POST', headers: staff, json });
    expect((await write(enrollmentsPath(uuid), [record('ann'), record('waiting')])).status).toBe(201);
    expect((await write(coursePath(uuid, run), [{ student_key: 'ann', status: 'active' }])).status).toBe(200);
    const beforeCourse = await ofCourse(run);
    const beforeUser = await ofUser(ann.username);
    expect(typesOf(beforeCourse).length).toBeGreaterThan(0);
    const cursor = await logEnd();

    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${BASE}/api/program_enrollments/v1/integration-reset/`, {
        method: 'POST',
        headers: { ...staff, 'Content-Type': 'application/json' },
        body: JSON.stringify({ organization: org.shortName }),
      }),
      { ...env, ENABLE_ENROLLMENT_RESET: 'true' },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toBe('success');

    expect(await ofCourse(run)).toEqual(beforeCourse);
    expect(await ofUser(ann.username)).toEqual(beforeUser);
    expect(await bySubject(cursor, ALL_TYPES, [uuid, run])).toEqual([]);
  });
});
