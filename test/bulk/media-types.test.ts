import { describe, expect, it } from 'vitest';
import { allowanceOf, BULK, bulkSnapshot, newEmail, staffHeader } from '../helpers/bulk-fixtures';
import { auditRows, createCohort, createCourse, createUser, enrollmentRow } from '../helpers/fixtures';
import { call } from '../helpers/request';

// docs/api/bulk-enroll.md#fields: JSON, form-urlencoded and multipart bodies behave the same; #csv: CSV bodies.

type Fields = Record<string, string>;

async function send(kind: 'json' | 'form' | 'multipart', fields: Fields) {
  const headers = await staffHeader();
  if (kind === 'json') return call(BULK, { method: 'POST', json: fields, headers });
  if (kind === 'form') {
    return call(BULK, {
      method: 'POST',
      body: new URLSearchParams(fields).toString(),
      headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
    });
  }
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return call(BULK, { method: 'POST', body: form, headers });
}

async function csv(text: string, query: Fields, contentType = 'text/csv') {
  return call(`${BULK}?${new URLSearchParams(query)}`, {
    method: 'POST',
    body: text,
    headers: { ...(await staffHeader()), 'Content-Type': contentType },
  });
}

/** The response with the course ids and generated names replaced, to compare runs on different data. */
function shape(body: { courses: Record<string, unknown> }, names: string[]) {
  let text = JSON.stringify({ ...body, courses: Object.values(body.courses) });
  for (const [i, name] of names.entries()) text = text.replaceAll(name, `#${i}`);
  return JSON.parse(text);
}

describe('JSON, form and multipart bodies behave the same (#fields)', () => {
  it('the same request gives the same answer and the same effects', async () => {
    const answers = [];
    for (const kind of ['json', 'form', 'multipart'] as const) {
      const course = await createCourse();
      await createCohort(course.id, 'G');
      const user = await createUser();
      const email = newEmail();
      const res = await send(kind, {
        identifiers: `${user.username}, ${email}\nnobody`,
        courses: course.id,
        action: 'enroll',
        cohorts: 'G',
        auto_enroll: 'True',
        email_students: 'false',
        reason: 'same everywhere',
      });
      expect(res.status, `${kind}: ${res.text}`).toBe(200);
      expect(res.headers.get('Content-Type')).toBe('application/json');
      answers.push(shape(res.body, [user.username, email]));
      expect((await enrollmentRow(user.id, course.id))?.isActive, kind).toBe(true);
      expect(await allowanceOf(email, course.id), kind).toMatchObject({ autoEnroll: true });
      expect((await auditRows(course.id)).map((r) => r.reason)).toEqual(['same everywhere', 'same everywhere']);
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(answers[0].auto_enroll).toBe(true);
  });

  it.each(['json', 'form', 'multipart'] as const)('%s: the same validation errors', async (kind) => {
    const res = await send(kind, { identifiers: '', courses: 'bad key', action: 'drop', auto_enroll: 'maybe' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      identifiers: ['This field may not be blank.'],
      courses: ['Course key not valid: bad key'],
      action: ['"drop" is not a valid choice.'],
      auto_enroll: ['Must be a valid boolean.'],
    });
  });

  it.each(['form', 'multipart'] as const)('%s: missing fields are required', async (kind) => {
    const res = await send(kind, { reason: 'x' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      identifiers: ['This field is required.'],
      courses: ['This field is required.'],
      action: ['This field is required.'],
    });
  });

  it('a form body with several courses (comma-separated) and unenroll', async () => {
    const [a, b] = [await createCourse(), await createCourse()];
    const email = newEmail();
    await send('form', { identifiers: email, courses: `${a.id},${b.id}`, action: 'enroll' });
    const res = await send('form', { identifiers: email, courses: `${a.id},${b.id}`, action: 'unenroll' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.courses)).toEqual([a.id, b.id]);
    expect(await allowanceOf(email, a.id)).toBeUndefined();
    expect(await allowanceOf(email, b.id)).toBeUndefined();
  });
});

describe('CSV bodies (issue 4)', () => {
  it.each(['identifier', 'email', 'username', ' Identifier ', 'EMAIL'])('header column %j', async (header) => {
    const course = await createCourse();
    const user = await createUser();
    const email = newEmail();
    const res = await csv(`${header}\n${user.username}\n${email}\n`, { courses: course.id, action: 'enroll' });
    expect(res.status, res.text).toBe(200);
    expect(res.body.courses[course.id].results.map((r: { identifier: string }) => r.identifier)).toEqual([
      user.username,
      email,
    ]);
    expect((await enrollmentRow(user.id, course.id))?.isActive).toBe(true);
  });

  it('other columns are ignored; CRLF, BOM, quotes, blank lines and charset are fine; fields come from the query', async () => {
    const course = await createCourse();
    await createCohort(course.id, 'Q');
    const user = await createUser();
    const email = newEmail();
    const text = `\ufeffname,identifier,notes\r\n"Doe, Jane",${user.email},"says ""hi"""\r\n\r\nNew Person,"${email}",\r\n`;
    const res = await csv(
      text,
      { courses: course.id, action: 'enroll', cohorts: 'Q', auto_enroll: 'true', reason: 'from csv' },
      'text/csv; charset=utf-8',
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ action: 'enroll', auto_enroll: true, email_students: false });
    expect(res.body.courses[course.id].results).toEqual([
      expect.objectContaining({
        identifier: user.email,
        after: expect.objectContaining({ enrollment: true, cohort: 'Q' }),
      }),
      expect.objectContaining({
        identifier: email,
        after: expect.objectContaining({ allowed: true, auto_enroll: true }),
      }),
    ]);
    expect((await auditRows(course.id)).map((r) => r.reason)).toEqual(['from csv', 'from csv']);
  });

  it('the CSV gives the same results as the same list sent as JSON', async () => {
    const [a, b] = [await createCourse(), await createCourse()];
    const ids = [newEmail(), 'nobody', newEmail()];
    const fromCsv = await csv(`identifier\n${ids.join('\n')}\n`, { courses: a.id, action: 'enroll' });
    const fromJson = await call(BULK, {
      method: 'POST',
      json: { identifiers: ids.join(','), courses: b.id, action: 'enroll' },
      headers: await staffHeader(),
    });
    expect(fromCsv.body.courses[a.id]).toEqual(fromJson.body.courses[b.id]);
  });

  it('a CSV without an identifier/email/username column → 400, nothing changes', async () => {
    const course = await createCourse();
    const email = newEmail();
    const scope = { courseIds: [course.id], userIds: [], emails: [email] };
    const before = await bulkSnapshot(scope);
    const res = await csv(`mail,name\n${email},X\n`, { courses: course.id, action: 'enroll' });
    expect(res.status).toBe(400);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(Object.keys(res.body)).toEqual(['identifiers']);
    expect(await bulkSnapshot(scope)).toBe(before);
  });

  it('a CSV with a header only → identifiers blank (400)', async () => {
    const course = await createCourse();
    const res = await csv('identifier\n', { courses: course.id, action: 'enroll' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ identifiers: ['This field may not be blank.'] });
  });

  it('the other fields are validated from the query string', async () => {
    const res = await csv(`identifier\n${newEmail()}\n`, { action: 'enroll' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ courses: ['This field is required.'] });
    const bad = await csv(`identifier\n${newEmail()}\n`, {
      courses: 'not-a-key',
      action: 'enroll',
      email_students: 'x',
    });
    expect(bad.body).toEqual({
      courses: ['Course key not valid: not-a-key'],
      email_students: ['Must be a valid boolean.'],
    });
  });

  it('an identifiers query parameter does not add to the CSV list', async () => {
    const course = await createCourse();
    const email = newEmail();
    const res = await csv(`identifier\n${email}\n`, {
      courses: course.id,
      action: 'enroll',
      identifiers: 'extra@example.com',
    });
    expect(res.status).toBe(200);
    expect(res.body.courses[course.id].results.map((r: { identifier: string }) => r.identifier)).toEqual([email]);
  });

  it('malformed CSV (unterminated quote) → 400, not 500', async () => {
    const course = await createCourse();
    const res = await csv('identifier\n"a@example.com\n', { courses: course.id, action: 'enroll' });
    expect(res.status).toBe(400);
  });
});
