import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createCourse, createUser, enroll, enrollmentRow, userByUsername } from '../helpers/fixtures';
import { ADMIN } from '../helpers/provisioning-api';
import { call, dbQueries, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';

const NDJSON = { 'Content-Type': 'application/x-ndjson' };
const ndjson = (lines: readonly unknown[]) => `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`;

const importUsers = (body: string, headers: Record<string, string> = apiKeyHeader) =>
  call(`${ADMIN}/import/users`, { method: 'POST', headers: { ...headers, ...NDJSON }, body });
const importEnrollments = (body: string, query = '') =>
  call(`${ADMIN}/import/enrollments${query}`, { method: 'POST', headers: { ...apiKeyHeader, ...NDJSON }, body });

const count = async (sql: string, ...values: unknown[]) =>
  (
    (await env.DB.prepare(sql)
      .bind(...values)
      .first<{ n: number }>()) ?? { n: 0 }
  ).n;

describe('POST /import/users', () => {
  it('creates, updates and leaves unchanged users, reporting bad lines by number, in one round trip', async () => {
    const [a, b, c] = [unique('imp'), unique('imp'), unique('imp')];
    await createUser({ username: b, email: `${b}@example.com` });
    await createUser({ username: c, email: `${c}@example.com` });
    const body = [
      JSON.stringify({ username: a, email: `${a}@example.com`, name: 'A' }),
      '',
      JSON.stringify({ username: b, email: `${b}@new.example.com` }),
      JSON.stringify({ username: c, email: `${c}@example.com` }),
      '{not json',
      JSON.stringify({ username: unique('imp'), email: 'not-an-email' }),
      JSON.stringify({ username: a, email: `${a}@example.com` }),
      '[1]',
    ].join('\n');
    const res = await importUsers(body);
    expect(res.status).toBe(200);
    expect(res.body.created).toBe(1);
    expect(res.body.updated).toBe(1);
    expect(res.body.unchanged).toBe(1);
    expect(res.body.errors.map((e: { line: number }) => e.line)).toEqual([5, 6, 7, 8]);
    expect(res.body.errors[0].field_errors.line.developer_message).toMatch(/^Not valid JSON/);
    expect(res.body.errors[1].field_errors).toEqual({ email: { developer_message: 'Not a valid e-mail address.' } });
    expect(res.body.errors[2]).toEqual({
      line: 7,
      username: a,
      field_errors: { username: { developer_message: 'Repeats line 1: one line per key per call.' } },
    });
    expect(res.body.errors[3].field_errors.line.developer_message).toBe('Not a JSON object.');
    expect(dbQueries(res.headers)).toBe(1);
    expect((await userByUsername(a))?.name).toBe('A');
    expect((await userByUsername(b))?.email).toBe(`${b}@new.example.com`);
  });

  it('a re-import of the same lines changes nothing (all unchanged, updated_at kept)', async () => {
    const name = unique('imp');
    const body = ndjson([{ username: name, email: `${name}@example.com`, country: 'FR' }]);
    expect((await importUsers(body)).body.created).toBe(1);
    const before = await userByUsername(name);
    const again = await importUsers(body);
    expect(again.body).toEqual({ created: 0, updated: 0, unchanged: 1, errors: [] });
    expect((await userByUsername(name))?.updatedAt).toBe(before?.updatedAt);
  });

  it('refuses more than 5,000 lines with 413 and applies nothing', async () => {
    const prefix = unique('many');
    const lines = Array.from({ length: 5001 }, (_, i) => ({
      username: `${prefix}${i}`,
      email: `${prefix}${i}@x.example`,
    }));
    const res = await importUsers(ndjson(lines));
    expect(res.status).toBe(413);
    expect(res.body.error_code).toBe('too_many_lines');
    expect(await count('select count(*) n from users where username like ?', `${prefix}%`)).toBe(0);
  });

  it('takes 5,000 lines in at most 6 round trips', async () => {
    const prefix = unique('bulk');
    const lines = Array.from({ length: 5000 }, (_, i) => ({
      username: `${prefix}${i}`,
      email: `${prefix}${i}@x.example`,
    }));
    const res = await importUsers(ndjson(lines));
    expect(res.status).toBe(200);
    expect(res.body.created).toBe(5000);
    expect(dbQueries(res.headers)).toBeLessThanOrEqual(6);
  });

  it('answers 415 for another body type, and is for the API key or global staff only', async () => {
    const wrongType = await call(`${ADMIN}/import/users`, { method: 'POST', headers: apiKeyHeader, json: {} });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.error_code).toBe('unsupported_media_type');
    const learner = await importUsers(ndjson([]), await jwtHeader(unique('learner')));
    expect(learner.status).toBe(403);
    const anonymous = await importUsers(ndjson([]), {});
    expect(anonymous.status).toBe(401);
  });
});

describe('POST /import/enrollments', () => {
  it('upserts by (user, course), keeps `created`, audits with reason "import", queues no e-mail and no event', async () => {
    const course = await createCourse();
    const ann = await createUser();
    const bob = await createUser();
    await enroll(bob.id, course.id, { mode: 'audit' });
    const events = await count('select count(*) n from events');
    const outbox = await count('select count(*) n from outbox');
    const res = await importEnrollments(
      ndjson([
        {
          username: ann.username,
          course_id: course.id,
          mode: 'verified',
          is_active: true,
          created: '2019-09-01T10:00:00Z',
        },
        { username: bob.username, course_id: course.id, mode: 'audit', is_active: false },
        { username: 'nobody-here', course_id: course.id, mode: 'audit', is_active: true },
        { username: ann.username, course_id: 'course-v1:No+Such+Run', mode: 'audit', is_active: true },
        { username: ann.username, course_id: course.id, mode: 'audit', is_active: 'yes' },
      ]),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 1, updated: 1, unchanged: 0 });
    expect(
      res.body.errors.map((e: { line: number; field_errors: object }) => [e.line, Object.keys(e.field_errors)]),
    ).toEqual([
      [3, ['username']],
      [4, ['course_id']],
      [5, ['is_active']],
    ]);
    expect(dbQueries(res.headers)).toBe(2);
    const annRow = await enrollmentRow(ann.id, course.id);
    expect(annRow).toMatchObject({ mode: 'verified', isActive: true, createdAt: Date.parse('2019-09-01T10:00:00Z') });
    expect((await enrollmentRow(bob.id, course.id))?.isActive).toBe(false);
    const audits = await env.DB.prepare(
      'select state_transition, reason, source from enrollment_audit where course_id = ? and source = ? order by user_id',
    )
      .bind(course.id, 'import')
      .all();
    expect(audits.results).toEqual([
      { state_transition: 'from unenrolled to enrolled', reason: 'import', source: 'import' },
      { state_transition: 'from enrolled to unenrolled', reason: 'import', source: 'import' },
    ]);
    expect(await count('select count(*) n from outbox')).toBe(outbox);
    expect(await count('select count(*) n from events')).toBe(events);
  });

  it('re-importing the same lines is all unchanged; a new `created` alone is an update', async () => {
    const course = await createCourse();
    const user = await createUser();
    const line = {
      username: user.username,
      course_id: course.id,
      mode: 'audit',
      is_active: true,
      created: '2020-01-01T00:00:00Z',
    };
    expect((await importEnrollments(ndjson([line]))).body.created).toBe(1);
    expect((await importEnrollments(ndjson([line]))).body).toEqual({
      created: 0,
      updated: 0,
      unchanged: 1,
      errors: [],
    });
    const { created: _omit, ...withoutCreated } = line;
    expect((await importEnrollments(ndjson([withoutCreated]))).body.unchanged).toBe(1);
    const moved = await importEnrollments(ndjson([{ ...line, created: '2018-01-01T00:00:00Z' }]));
    expect(moved.body.updated).toBe(1);
    expect((await enrollmentRow(user.id, course.id))?.createdAt).toBe(Date.parse('2018-01-01T00:00:00Z'));
  });

  it('with ?emit_events=true writes the usual events with origin "import"', async () => {
    const course = await createCourse();
    const user = await createUser();
    const res = await importEnrollments(
      ndjson([{ username: user.username, course_id: course.id, mode: 'audit', is_active: true }]),
      '?emit_events=true',
    );
    expect(res.body.created).toBe(1);
    const event = await env.DB.prepare(
      "select type, json_extract(data, '$.origin') origin from events where subject = ?",
    )
      .bind(course.id)
      .first();
    expect(event).toEqual({ type: 'org.openedx.learning.course.enrollment.created.v1', origin: 'import' });
    const bad = await importEnrollments(ndjson([]), '?emit_events=yes');
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.field_errors)).toEqual(['emit_events']);
  });

  it('takes 5,000 lines in at most 6 round trips', async () => {
    const course = await createCourse();
    const prefix = unique('en');
    const users = Array.from({ length: 5000 }, (_, i) => ({
      username: `${prefix}${i}`,
      email: `${prefix}${i}@x.example`,
    }));
    expect((await importUsers(ndjson(users))).body.created).toBe(5000);
    const lines = users.map((u) => ({ username: u.username, course_id: course.id, mode: 'audit', is_active: true }));
    const res = await importEnrollments(ndjson(lines));
    expect(res.body).toEqual({ created: 5000, updated: 0, unchanged: 0, errors: [] });
    expect(dbQueries(res.headers)).toBeLessThanOrEqual(6);
  });
});
