import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, newCourseId, provisionCourse } from '../helpers/provisioning-api';
import { call, dbQueries } from '../helpers/request';
import { apiKeyHeader } from '../helpers/tokens';
import {
  API,
  coursePath,
  enrollmentsPath,
  learner,
  link,
  newUuid,
  PROGRAM_NOT_FOUND,
  provisionProgram,
  record,
  scenario,
  staffHeader,
} from './support';

// GET /programs/{program_uuid}/courses/{course_id}/grades/ (docs/api/programs.md#grades).

let staff: Record<string, string>;
beforeAll(async () => {
  staff = await staffHeader();
});

const gradesPath = (uuid: string, run: string) => `${API}/programs/${uuid}/courses/${run}/grades/`;
const grades = (uuid: string, run: string, query = '') => call(`${gradesPath(uuid, run)}${query}`, { headers: staff });
const putGrade = (run: string, username: string, json: unknown) =>
  call(`${ADMIN}/courses/${run}/grades/${username}`, { method: 'PUT', headers: apiKeyHeader, json });

/** A program with one run and realised learners for `linkedKeys`, waiting ones for `waitingKeys`. */
async function withLearners(linkedKeys: string[], waitingKeys: string[] = []) {
  const { org, runs, uuid } = await scenario(1);
  const run = runs[0] as string;
  const users: Record<string, string> = {};
  for (const key of linkedKeys) {
    users[key] = (await learner()).username;
    await link(users[key] as string, org.slug, key);
  }
  const keys = [...linkedKeys, ...waitingKeys];
  await call(enrollmentsPath(uuid), { method: 'POST', headers: staff, json: keys.map((k) => record(k)) });
  await call(coursePath(uuid, run), {
    method: 'POST',
    headers: staff,
    json: keys.map((k) => ({ student_key: k, status: 'active' })),
  });
  return { uuid, run, users };
}

describe('program course grades', () => {
  it('provisioned grades, errors and the zero grade; waiting learners never appear', async () => {
    const { uuid, run, users } = await withLearners(['g1', 'g2', 'g3', 'g4'], ['waiting']);
    await putGrade(run, users.g1 as string, { percent: 0.75, letter_grade: 'B', passed: true });
    await putGrade(run, users.g2 as string, { percent: 0.4, letter_grade: null, passed: false });
    await putGrade(run, users.g3 as string, { error: 'Grading service down' });
    const res = await grades(uuid, run);
    expect(res.status).toBe(207);
    expect(res.body).toEqual({
      next: null,
      previous: null,
      results: [
        { student_key: 'g1', passed: true, percent: 0.75, letter_grade: 'B' },
        { student_key: 'g2', passed: false, percent: 0.4, letter_grade: null },
        { student_key: 'g3', error: 'Grading service down' },
        { student_key: 'g4', passed: false, percent: 0, letter_grade: null },
      ],
    });
    expect(dbQueries(res.headers)).toBe(1);
  });

  it('all errors → 422; an empty error message reads "Unknown error"', async () => {
    const { uuid, run, users } = await withLearners(['e1', 'e2']);
    await putGrade(run, users.e1 as string, { error: '' });
    await putGrade(run, users.e2 as string, { error: 'boom' });
    const res = await grades(uuid, run);
    expect(res.status).toBe(422);
    expect(res.body.results).toEqual([
      { student_key: 'e1', error: 'Unknown error' },
      { student_key: 'e2', error: 'boom' },
    ]);
  });

  it('no errors → 200; a page with no results → 200 with the empty paginated body (not 204)', async () => {
    const { uuid, run } = await withLearners(['ok'], ['w1', 'w2']);
    expect((await grades(uuid, run)).status).toBe(200);
    const onlyWaiting = await withLearners([], ['w']);
    const empty = await grades(onlyWaiting.uuid, onlyWaiting.run);
    expect(empty.status).toBe(200);
    expect(empty.headers.get('Content-Type')).toBe('application/json');
    expect(empty.body).toEqual({ next: null, previous: null, results: [] });
  });

  it('the status is decided per page', async () => {
    const { uuid, run, users } = await withLearners(['p1', 'p2', 'p3']);
    await putGrade(run, users.p3 as string, { error: 'x' });
    const first = await grades(uuid, run, '?page_size=2');
    expect(first.status).toBe(200);
    const next = new URL(first.body.next);
    const second = await call(next.pathname + next.search, { headers: staff });
    expect(second.status).toBe(422);
    expect(second.body.results).toEqual([{ student_key: 'p3', error: 'x' }]);
  });

  it('checks: program, course key, run, active curriculum, run in the program (the stricter rule)', async () => {
    const { uuid, run } = await withLearners([]);
    expect((await grades(newUuid(), run)).body).toEqual(PROGRAM_NOT_FOUND);
    expect((await grades(uuid, 'bad-key')).body.error_code).toBe('invalid_course_key');
    const unknown = newCourseId();
    expect((await grades(uuid, unknown)).body).toEqual({
      developer_message: `Requested grade for unknown course ${unknown}`,
      error_code: 'course_does_not_exist',
    });
    const outside = await provisionCourse();
    expect((await grades(uuid, outside)).body.error_code).toBe('course_not_in_program');
    const noActive = await provisionProgram({ runs: [outside], noActiveCurriculum: true });
    expect((await grades(noActive, outside)).body.error_code).toBe('no_active_curriculum');
  });
});
