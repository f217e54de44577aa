import { describe, expect, it } from 'vitest';
import { addToCohort, createCohort, createCourse, createUser, enroll, snapshot } from '../helpers/fixtures';
import { call, dbQueries } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';
import { COHORTS, cohortPath, courseWithStaff } from './support';

const patch = (courseId: string, id: number | string, json: unknown, headers = apiKeyHeader) =>
  call(cohortPath(courseId, id), { method: 'PATCH', headers, json });

const FORBIDDEN = { developer_message: 'You do not have permission to perform this action.' };

describe('GET …/cohorts/{cohort_id} (#read)', () => {
  it('answers the cohort object, counting members with an active enrollment, in one round trip', async () => {
    const course = await createCourse();
    const cohort = await createCohort(course.id, 'Readers', 'random');
    const [a, b] = [await createUser(), await createUser()];
    await enroll(a.id, course.id);
    await addToCohort(cohort, a.id);
    await addToCohort(cohort, b.id);
    const res = await call(cohortPath(course.id, cohort.id), { headers: apiKeyHeader });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.body).toEqual({
      id: cohort.id,
      name: 'Readers',
      user_count: 1,
      assignment_type: 'random',
      user_partition_id: null,
      group_id: null,
    });
    expect(dbQueries(res.headers)).toBe(1);
  });

  it('course staff read it with one more round trip (the role)', async () => {
    const { course, staffHeaders } = await courseWithStaff();
    const cohort = await createCohort(course.id, 'Staffed');
    // The first request of a JWT also reads its account (docs/architecture.md#round-trips).
    await call(cohortPath(course.id, cohort.id), { headers: staffHeaders });
    const res = await call(`${cohortPath(course.id, cohort.id)}/`, { headers: staffHeaders });
    expect(res.status).toBe(200);
    expect(dbQueries(res.headers)).toBe(2);
  });

  it('404 for another course’s cohort, an unknown id and a non-numeric id (#c3); course first', async () => {
    const course = await createCourse();
    const other = await createCourse();
    const foreign = await createCohort(other.id, 'Elsewhere');
    for (const id of [String(foreign.id), '999999999', 'abc', '1.5', '-1', '99999999999999999999']) {
      const res = await call(cohortPath(course.id, id), { headers: apiKeyHeader });
      expect(res.status, id).toBe(404);
      expect(res.body, id).toEqual({
        developer_message: `Cohort (ID ${id}) not found for ${course.id}`,
        error_code: 'cohort-not-found',
      });
    }
    const noCourse = await call(cohortPath('course-v1:No+Such+Run', foreign.id), { headers: apiKeyHeader });
    expect(noCourse.status).toBe(404);
    expect(noCourse.body).toEqual({
      developer_message: 'Course course-v1:No+Such+Run not found.',
      error_code: 'course-not-found',
    });
  });

  it('refuses learners (403) and anonymous callers (401) before looking anything up', async () => {
    const course = await createCourse();
    const learner = await jwtHeader((await createUser()).username);
    const refused = await call(cohortPath(course.id, 'abc'), { headers: learner });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual(FORBIDDEN);
    expect((await call(cohortPath(course.id, 1))).status).toBe(401);
  });
});

describe('PATCH …/cohorts/{cohort_id} (#rename)', () => {
  it('renames and retypes: 204 with no body, one round trip; the change is visible', async () => {
    const course = await createCourse();
    const cohort = await createCohort(course.id, 'Before');
    const res = await patch(course.id, cohort.id, { name: 'After', assignment_type: 'random' });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(dbQueries(res.headers)).toBe(1);
    const read = await call(cohortPath(course.id, cohort.id), { headers: apiKeyHeader });
    expect(read.body).toMatchObject({ name: 'After', assignment_type: 'random' });
    // Either field alone; the same name again is no conflict.
    expect((await patch(course.id, cohort.id, { name: 'After' })).status).toBe(204);
    expect((await patch(course.id, cohort.id, { assignment_type: 'random', name: null })).status).toBe(204);
    const listed = await call(`${COHORTS}/${course.id}/cohorts`, { headers: apiKeyHeader });
    expect(listed.body.cohorts.map((c: { name: string }) => c.name)).toEqual(['After']);
  });

  it('refuses a name another cohort of the run has, and changes nothing (also not the type)', async () => {
    const course = await createCourse();
    const taken = await createCohort(course.id, 'Taken');
    const cohort = await createCohort(course.id, 'Mine');
    const before = await snapshot({ courseIds: [course.id], userIds: [] });
    const res = await patch(course.id, cohort.id, { name: 'Taken', assignment_type: 'random' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      developer_message: 'A cohort with the same name already exists.',
      error_code: 'cohort-name-exists',
    });
    expect((await call(cohortPath(course.id, cohort.id), { headers: apiKeyHeader })).body).toMatchObject({
      name: 'Mine',
      assignment_type: 'manual',
    });
    expect(await snapshot({ courseIds: [course.id], userIds: [] })).toBe(before);
    // The name is free in another run.
    const other = await createCourse();
    const there = await createCohort(other.id, 'Elsewhere');
    expect((await patch(other.id, there.id, { name: taken.name })).status).toBe(204);
  });

  it('keeps the run’s last random cohort random (`last-random-cohort`), not one of two', async () => {
    const course = await createCourse();
    const only = await createCohort(course.id, 'Only random', 'random');
    const res = await patch(course.id, only.id, { assignment_type: 'manual', name: 'Renamed' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      developer_message: 'There must be one cohort to which students can automatically be assigned.',
      error_code: 'last-random-cohort',
    });
    expect((await call(cohortPath(course.id, only.id), { headers: apiKeyHeader })).body.name).toBe('Only random');
    await createCohort(course.id, 'Second random', 'random');
    expect((await patch(course.id, only.id, { assignment_type: 'manual' })).status).toBe(204);
    // A manual cohort may be made manual again whatever the others are.
    expect((await patch(course.id, only.id, { assignment_type: 'manual' })).status).toBe(204);
  });

  it('answers 400 naming the field for missing or invalid input, before any lookup', async () => {
    const course = await createCourse();
    const cohort = await createCohort(course.id, 'Valid');
    const cases: [unknown, string][] = [
      [{}, 'missing-fields'],
      [{ name: null, assignment_type: null }, 'missing-fields'],
      [{ name: '  ' }, 'invalid-cohort-name'],
      [{ name: 'x'.repeat(256) }, 'invalid-cohort-name'],
      [{ assignment_type: 'automatic' }, 'invalid-assignment-type'],
      [[], 'invalid-request'],
    ];
    for (const [json, code] of cases) {
      const res = await patch(course.id, cohort.id, json);
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(res.body.error_code, JSON.stringify(json)).toBe(code);
      expect(dbQueries(res.headers), JSON.stringify(json)).toBe(0);
    }
    expect((await patch(course.id, cohort.id, {})).body).toEqual({
      developer_message: 'Request must include name and/or assignment type.',
      error_code: 'missing-fields',
    });
    const unknown = await patch(course.id, 424242424, { name: 'x' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe('cohort-not-found');
  });
});
