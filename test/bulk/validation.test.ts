import { describe, expect, it } from 'vitest';
import { MAX_BULK_PAIRS } from '../../src/bulk/bulk.request';
import {
  auditRowsForEmail,
  BULK,
  bulk,
  bulkSnapshot,
  NOT_FOUND,
  newEmail,
  staffHeader,
} from '../helpers/bulk-fixtures';
import {
  addToCohort,
  createAllowance,
  createCohort,
  createCourse,
  createUser,
  enroll,
  preassignCohort,
  uniqueCourseId,
} from '../helpers/fixtures';
import { call, dbQueries } from '../helpers/request';

// docs/api/bulk-enroll.md#fields and #validation (validation order and messages). Every rejection is checked to
// change nothing: enrollments, allowances, cohorts, pre-assignments, audit and outbox of the scope.

/** Two courses with cohorts, learners in every state, and an e-mail without account. */
async function world() {
  const a = await createCourse();
  const b = await createCourse();
  const cohortA = await createCohort(a.id, 'A1');
  const otherA = await createCohort(a.id, 'A2');
  const cohortB = await createCohort(b.id, 'B1');
  const enrolled = await createUser();
  const fresh = await createUser();
  const email = newEmail();
  const invited = newEmail();
  await enroll(enrolled.id, a.id, { mode: 'verified' });
  await addToCohort(otherA, enrolled.id);
  await createAllowance({ email: invited, courseId: a.id, autoEnroll: true });
  await preassignCohort(otherA, invited);
  const identifiers = [enrolled.username, fresh.email, email, invited].join(',');
  const scope = {
    courseIds: [a.id, b.id],
    userIds: [enrolled.id, fresh.id],
    emails: [enrolled.email, fresh.email, email, invited],
  };
  return { a, b, cohortA, cohortB, identifiers, scope };
}

/** Sends the body (JSON unless `raw`), expects the status and body, and that nothing changed. */
async function rejects(
  scope: Parameters<typeof bulkSnapshot>[0],
  body: unknown,
  status: number,
  expected?: unknown,
  options: { raw?: { body: BodyInit; contentType?: string } } = {},
) {
  const before = await bulkSnapshot(scope);
  const headers = await staffHeader();
  const res = options.raw
    ? await call(BULK, {
        method: 'POST',
        body: options.raw.body,
        headers: { ...headers, ...(options.raw.contentType ? { 'Content-Type': options.raw.contentType } : {}) },
      })
    : await call(BULK, { method: 'POST', json: body, headers });
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('Content-Type')).toBe('application/json');
  if (expected !== undefined) expect(res.body).toEqual(expected);
  expect(await bulkSnapshot(scope), 'a rejected request changed data').toBe(before);
  return res;
}

describe('#validation step 1: field errors, all reported together', () => {
  it('missing identifiers, courses and action', async () => {
    const { scope } = await world();
    await rejects(scope, {}, 400, {
      identifiers: ['This field is required.'],
      courses: ['This field is required.'],
      action: ['This field is required.'],
    });
  });

  it('null counts as missing', async () => {
    const { scope } = await world();
    await rejects(scope, { identifiers: null, courses: null, action: null }, 400, {
      identifiers: ['This field is required.'],
      courses: ['This field is required.'],
      action: ['This field is required.'],
    });
  });

  it.each(['', '   ', '\n\t '])('blank identifiers %j → "This field may not be blank."', async (identifiers) => {
    const { scope, a } = await world();
    await rejects(scope, { identifiers, courses: a.id, action: 'enroll' }, 400, {
      identifiers: ['This field may not be blank.'],
    });
  });

  it('a JSON array of identifiers → "Not a valid string."', async () => {
    const { scope, a } = await world();
    await rejects(scope, { identifiers: ['x@example.com', 'y@example.com'], courses: a.id, action: 'enroll' }, 400, {
      identifiers: ['Not a valid string.'],
    });
  });

  it.each([{}, true])('identifiers %j → "Not a valid string."', async (identifiers) => {
    const { scope, a } = await world();
    await rejects(scope, { identifiers, courses: a.id, action: 'enroll' }, 400, {
      identifiers: ['Not a valid string.'],
    });
  });

  it.each(['Enroll', 'ENROLL', 'delete', '', 'enroll '])('action %j → not a valid choice', async (action) => {
    const { scope, a, identifiers } = await world();
    await rejects(scope, { identifiers, courses: a.id, action }, 400, {
      action: [`"${action}" is not a valid choice.`],
    });
  });

  it('a bad course id → "Course key not valid: <id>", first bad one only', async () => {
    const { scope, a, identifiers } = await world();
    await rejects(scope, { identifiers, courses: `${a.id},not-a-key,also bad`, action: 'enroll' }, 400, {
      courses: ['Course key not valid: not-a-key'],
    });
  });

  it('course ids are not trimmed: "a, b" fails on " b" (B9)', async () => {
    const { scope, a, b, identifiers } = await world();
    await rejects(scope, { identifiers, courses: `${a.id}, ${b.id}`, action: 'enroll' }, 400, {
      courses: [`Course key not valid:  ${b.id}`],
    });
  });

  it('an empty piece between commas is a bad course id', async () => {
    const { scope, a, identifiers } = await world();
    await rejects(scope, { identifiers, courses: `${a.id},`, action: 'enroll' }, 400, {
      courses: ['Course key not valid: '],
    });
  });

  it('a course array is flattened and checked element by element (B2)', async () => {
    const { scope, a, b, identifiers } = await world();
    await rejects(scope, { identifiers, courses: [a.id, `${b.id},bad key`], action: 'enroll' }, 400, {
      courses: ['Course key not valid: bad key'],
    });
  });

  it('all field errors at once, including booleans', async () => {
    const { scope } = await world();
    await rejects(
      scope,
      { identifiers: '', courses: 'nope', action: 'add', auto_enroll: 'maybe', email_students: 2 },
      400,
      {
        identifiers: ['This field may not be blank.'],
        courses: ['Course key not valid: nope'],
        action: ['"add" is not a valid choice.'],
        auto_enroll: ['Must be a valid boolean.'],
        email_students: ['Must be a valid boolean.'],
      },
    );
  });

  it.each(['maybe', '', 'tru', 2, [], {}])('auto_enroll %j → "Must be a valid boolean."', async (value) => {
    const { scope, a, identifiers } = await world();
    await rejects(scope, { identifiers, courses: a.id, action: 'enroll', auto_enroll: value }, 400, {
      auto_enroll: ['Must be a valid boolean.'],
    });
  });

  it('field errors win over cross-field errors (unenroll with cohorts and a bad course)', async () => {
    const { scope, identifiers } = await world();
    await rejects(scope, { identifiers, courses: 'bad', action: 'unenroll', cohorts: 'x,y' }, 400, {
      courses: ['Course key not valid: bad'],
    });
  });

  it('a body that is not JSON → 400', async () => {
    const { scope } = await world();
    await rejects(scope, null, 400, undefined, {
      raw: { body: '{"identifiers": "a", ', contentType: 'application/json' },
    });
  });

  it('a JSON array body → 400', async () => {
    const { scope } = await world();
    await rejects(scope, null, 400, undefined, { raw: { body: '[1,2]', contentType: 'application/json' } });
  });
});

describe('#validation step 2: cross-field errors (non_field_errors)', () => {
  it('cohorts with unenroll → "Cohorts can only be used for enrollments."', async () => {
    const { scope, a, identifiers } = await world();
    await rejects(scope, { identifiers, courses: a.id, action: 'unenroll', cohorts: 'A1' }, 400, {
      non_field_errors: ['Cohorts can only be used for enrollments.'],
    });
  });

  it('unenroll with a count mismatch still reports the action rule first', async () => {
    const { scope, a, identifiers } = await world();
    await rejects(scope, { identifiers, courses: a.id, action: 'unenroll', cohorts: 'A1,A2' }, 400, {
      non_field_errors: ['Cohorts can only be used for enrollments.'],
    });
  });

  it.each([
    ['A1,B1', 'one course'],
    ['A1', 'two courses'],
  ])('cohorts %j vs %s → equal number of items', async (cohorts, what) => {
    const { scope, a, b, identifiers } = await world();
    const courses = what === 'one course' ? a.id : `${a.id},${b.id}`;
    await rejects(scope, { identifiers, courses, action: 'enroll', cohorts }, 400, {
      non_field_errors: ['If provided, the cohorts and courses should have equal number of items.'],
    });
  });

  it('an unknown cohort → 400 before anything changes (the other course is valid)', async () => {
    const { scope, a, b, identifiers } = await world();
    await rejects(
      scope,
      { identifiers, courses: `${a.id},${b.id}`, action: 'enroll', cohorts: 'A1,Nope', email_students: true },
      400,
      { non_field_errors: [`cohort Nope not found in course ${b.id}.`] },
    );
  });

  it('a cohort of another course is not found in this one (pairing is by position)', async () => {
    const { scope, a, b, identifiers } = await world();
    await rejects(scope, { identifiers, courses: `${a.id},${b.id}`, action: 'enroll', cohorts: 'B1,A1' }, 400, {
      non_field_errors: [`cohort B1 not found in course ${a.id}.`],
    });
  });

  it('the first failing pair is reported', async () => {
    const { scope, a, b, identifiers } = await world();
    await rejects(scope, { identifiers, courses: `${a.id},${b.id}`, action: 'enroll', cohorts: 'X,Y' }, 400, {
      non_field_errors: [`cohort X not found in course ${a.id}.`],
    });
  });

  it('cohort names are not trimmed', async () => {
    const { scope, a, b, identifiers } = await world();
    await rejects(scope, { identifiers, courses: `${a.id},${b.id}`, action: 'enroll', cohorts: 'A1, B1' }, 400, {
      non_field_errors: [`cohort  B1 not found in course ${b.id}.`],
    });
  });

  it('a cohort named for a course that does not exist is a cohort error (step 2 before step 3)', async () => {
    const { scope, identifiers } = await world();
    const missing = uniqueCourseId();
    await rejects(scope, { identifiers, courses: missing, action: 'enroll', cohorts: 'A1' }, 400, {
      non_field_errors: [`cohort A1 not found in course ${missing}.`],
    });
  });
});

describe('#validation step 3: unknown course → 404 before any change or e-mail (B7)', () => {
  it.each([
    ['last', (known: string, missing: string) => `${known},${missing}`],
    ['first', (known: string, missing: string) => `${missing},${known}`],
    ['only', (_known: string, missing: string) => missing],
  ])('unknown course %s in the list', async (_where, courses) => {
    const { scope, a, identifiers } = await world();
    await rejects(
      scope,
      {
        identifiers,
        courses: courses(a.id, uniqueCourseId()),
        action: 'enroll',
        email_students: true,
        auto_enroll: true,
      },
      404,
      NOT_FOUND,
    );
  });

  it('unenroll with an unknown course changes nothing either', async () => {
    const { scope, a, identifiers } = await world();
    await rejects(
      scope,
      { identifiers, courses: `${a.id},${uniqueCourseId()}`, action: 'unenroll', email_students: true },
      404,
      NOT_FOUND,
    );
  });

  it('an unknown slash-style course → 404', async () => {
    const { scope, identifiers } = await world();
    await rejects(scope, { identifiers, courses: 'NoOrg/NoCourse/NoRun', action: 'enroll' }, 404, NOT_FOUND);
  });

  it('dry_run does not skip the check', async () => {
    const { scope, a, identifiers } = await world();
    await rejects(
      scope,
      { identifiers, courses: `${a.id},${uniqueCourseId()}`, action: 'enroll', dry_run: true },
      404,
      NOT_FOUND,
    );
  });
});

describe('size bound (413)', () => {
  const identifiersFor = (n: number) => Array.from({ length: n }, (_, i) => `nobody${i}`).join(',');

  it(`more than MAX_BULK_PAIRS (${MAX_BULK_PAIRS}) identifier × course pairs → 413 JSON, nothing changes`, async () => {
    const { scope, a, b } = await world();
    const identifiers = identifiersFor(Math.floor(MAX_BULK_PAIRS / 2) + 1);
    const res = await rejects(scope, { identifiers, courses: `${a.id},${b.id}`, action: 'enroll' }, 413);
    expect(res.body).toMatchObject({ error_code: expect.any(String), developer_message: expect.any(String) });
    const one = await rejects(
      scope,
      { identifiers: identifiersFor(MAX_BULK_PAIRS + 1), courses: a.id, action: 'enroll' },
      413,
    );
    expect(one.body.developer_message).toContain(String(MAX_BULK_PAIRS));
  });

  it('exactly MAX_BULK_PAIRS pairs are accepted', async () => {
    const { a, b } = await world();
    const res = await bulk({
      identifiers: identifiersFor(MAX_BULK_PAIRS / 2),
      courses: `${a.id},${b.id}`,
      action: 'enroll',
    });
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(res.body.courses[a.id].results).toHaveLength(MAX_BULK_PAIRS / 2);
    expect(res.body.courses[b.id].results[0]).toEqual({ identifier: 'nobody0', invalidIdentifier: true });
    expect(dbQueries(res.headers)).toBeLessThan(60);
  });

  it('the bound counts duplicates (each occurrence is processed)', async () => {
    const { scope, a } = await world();
    const identifiers = Array.from({ length: MAX_BULK_PAIRS + 1 }, () => 'same@example.com').join('\n');
    await rejects(scope, { identifiers, courses: a.id, action: 'enroll' }, 413);
  });
});

describe('reason: at most 1000 characters (400 beyond, before anything changes)', () => {
  const TOO_LONG = { reason: ['Ensure this field has no more than 1000 characters.'] };

  it('a 100 KB reason for 50 identifiers → 400 naming the field, nothing changes', async () => {
    const a = await createCourse();
    const emails = Array.from({ length: 50 }, () => newEmail('reason'));
    const scope = { courseIds: [a.id], userIds: [], emails };
    await rejects(
      scope,
      { identifiers: emails.join(','), courses: a.id, action: 'enroll', reason: 'r'.repeat(100_000) },
      400,
      TOO_LONG,
    );
  });

  it('1001 characters → 400; exactly 1000 are accepted and stored in every audit record', async () => {
    const { scope, a, identifiers } = await world();
    await rejects(scope, { identifiers, courses: a.id, action: 'enroll', reason: 'x'.repeat(1001) }, 400, TOO_LONG);
    const email = newEmail('reason');
    const reason = 'y'.repeat(1000);
    const res = await bulk({ identifiers: email, courses: a.id, action: 'enroll', reason });
    expect(res.status, res.text).toBe(200);
    expect((await auditRowsForEmail(email)).map((row) => row.reason)).toEqual([reason]);
  });

  it('reported with the other field errors of the request (a field error, #validation step 1)', async () => {
    const { scope, a } = await world();
    await rejects(scope, { identifiers: ' ', courses: a.id, action: 'enroll', reason: 'z'.repeat(1001) }, 400, {
      identifiers: ['This field may not be blank.'],
      ...TOO_LONG,
    });
  });

  it('the same bound for a CSV upload (reason in the query string)', async () => {
    const { scope, a } = await world();
    const query = new URLSearchParams({ courses: a.id, action: 'enroll', reason: 'q'.repeat(1001) });
    const before = await bulkSnapshot(scope);
    const res = await call(`${BULK}?${query}`, {
      method: 'POST',
      body: `identifier\n${newEmail('csv')}\n`,
      headers: { ...(await staffHeader()), 'Content-Type': 'text/csv' },
    });
    expect(res.status, res.text).toBe(400);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.body).toEqual(TOO_LONG);
    expect(await bulkSnapshot(scope), 'a rejected request changed data').toBe(before);
  });
});

describe('no input yields a 5xx (conventions.md#errors)', () => {
  it('a second course whose notices are huge: no 5xx, and the first course is not half-applied', async () => {
    const a = await createCourse();
    const b = await createCourse({ name: `Long ${'n'.repeat(200_000)}` });
    const emails = Array.from({ length: 20 }, () => newEmail('huge'));
    const scope = { courseIds: [a.id, b.id], userIds: [], emails };
    const before = await bulkSnapshot(scope);
    const res = await bulk({
      identifiers: emails.join(','),
      courses: `${a.id},${b.id}`,
      action: 'enroll',
      email_students: true,
    });
    expect.soft(res.status, res.text.slice(0, 300)).toBeLessThan(500);
    if (res.status !== 200) expect(await bulkSnapshot(scope)).toBe(before);
  });
});

describe('fields (#fields): unknown fields and accepted shapes', () => {
  it('unknown fields are ignored', async () => {
    const { a, identifiers } = await world();
    const res = await bulk({ identifiers, courses: a.id, action: 'enroll', foo: 'bar', email_students_typo: 'x' });
    expect(res.status).toBe(200);
  });

  it('an empty cohorts string means no cohorts (also with unenroll)', async () => {
    const { a, identifiers } = await world();
    const res = await bulk({ identifiers, courses: a.id, action: 'unenroll', cohorts: '' });
    expect(res.status, res.text).toBe(200);
    for (const r of res.body.courses[a.id].results) {
      if ('before' in r) expect(r.before).not.toHaveProperty('cohort');
    }
  });

  it('reason may be absent, a string, or a number', async () => {
    const { a } = await world();
    for (const reason of [undefined, 'because', 42]) {
      const res = await bulk({ identifiers: newEmail(), courses: a.id, action: 'enroll', reason });
      expect(res.status, res.text).toBe(200);
    }
  });

  it('identifiers that split to nothing (only separators) → 200 with empty results', async () => {
    const { a, b } = await world();
    const res = await bulk({ identifiers: ',, ,\n,', courses: `${a.id},${b.id}`, action: 'enroll' });
    expect(res.status, res.text).toBe(200);
    expect(res.body.courses[a.id].results).toEqual([]);
    expect(res.body.courses[b.id].results).toEqual([]);
  });
});

describe('booleans (#fields, B3: parsed once, used everywhere)', () => {
  it.each([
    [true, true],
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    ['on', true],
    [1, true],
    [false, false],
    ['false', false],
    ['False', false],
    ['0', false],
    ['no', false],
    ['off', false],
    [0, false],
  ])('auto_enroll %j acts as %s in the echo, the course block and the stored allowance', async (value, expected) => {
    const a = await createCourse();
    const email = newEmail();
    const res = await bulk({ identifiers: email, courses: a.id, action: 'enroll', auto_enroll: value });
    expect(res.status, res.text).toBe(200);
    expect(res.body.auto_enroll).toBe(expected);
    expect(res.body.courses[a.id].auto_enroll).toBe(expected);
    expect(res.body.courses[a.id].results[0].after.auto_enroll).toBe(expected);
  });

  it('email_students "1" queues e-mail; absent or "0" does not (checked in notifications.test.ts too)', async () => {
    const a = await createCourse();
    const res = await bulk({ identifiers: newEmail(), courses: a.id, action: 'enroll', email_students: '1' });
    expect(res.body.email_students).toBe(true);
    const res0 = await bulk({ identifiers: newEmail(), courses: a.id, action: 'enroll', email_students: '0' });
    expect(res0.body.email_students).toBe(false);
  });
});
