import { describe, expect, it } from 'vitest';
import { allowanceOf, allowanceRows, bulk, NONE, newEmail, state } from '../helpers/bulk-fixtures';
import { auditRows, createCourse, createUser, enrollmentRow, enrollmentRows } from '../helpers/fixtures';
import { unique } from '../helpers/request';

// docs/api/bulk-enroll.md#fields (identifier splitting) and #resolving over HTTP: duplicates, whitespace, mixed
// separators, unicode, very long values, characters that need escaping in storage.

const ids = (res: { body: { courses: Record<string, { results: { identifier: string }[] }> } }, courseId: string) =>
  res.body.courses[courseId]?.results.map((r) => r.identifier);

describe('identifier edge cases', () => {
  it('mixed separators: commas, CR, LF, CRLF, tabs, runs of spaces, unicode spaces', async () => {
    const a = await createCourse();
    const users = [await createUser(), await createUser(), await createUser()];
    const emails = [newEmail(), newEmail(), newEmail(), newEmail()];
    const text = `  ${users[0]?.username},${emails[0]}\r\n${users[1]?.email}\t\t${emails[1]}\r${emails[2]}\u00a0${users[2]?.username}\u3000,\u2003${emails[3]}\n\n`;
    const res = await bulk({ identifiers: text, courses: a.id, action: 'enroll' });
    expect(res.status).toBe(200);
    expect(ids(res, a.id)).toEqual([
      users[0]?.username,
      emails[0],
      users[1]?.email,
      emails[1],
      emails[2],
      users[2]?.username,
      emails[3],
    ]);
    expect(await enrollmentRows(a.id)).toHaveLength(3);
    expect(await allowanceRows(a.id)).toHaveLength(4);
  });

  it('duplicates are each processed and reported; the second sees the first', async () => {
    const a = await createCourse();
    const user = await createUser();
    const email = newEmail();
    const res = await bulk({
      identifiers: `${user.username},${email},${user.username},${email},${user.email}`,
      courses: a.id,
      action: 'enroll',
      auto_enroll: true,
    });
    expect(res.body.courses[a.id].results).toEqual([
      { identifier: user.username, before: state(true, false, false), after: state(true, true, false) },
      { identifier: email, before: NONE, after: state(false, false, true, true) },
      { identifier: user.username, before: state(true, true, false), after: state(true, true, false) },
      { identifier: email, before: state(false, false, true, true), after: state(false, false, true, true) },
      { identifier: user.email, before: state(true, true, false), after: state(true, true, false) },
    ]);
    expect(await enrollmentRows(a.id)).toHaveLength(1);
    expect(await allowanceRows(a.id)).toHaveLength(1);
    expect((await auditRows(a.id)).map((r) => r.stateTransition)).toEqual([
      'from unenrolled to enrolled',
      'from unenrolled to allowed to enroll',
      'from enrolled to enrolled',
      'from unenrolled to allowed to enroll',
      'from enrolled to enrolled',
    ]);
  });

  it('unicode usernames resolve; unicode local parts are invalid; IDN domains are valid and stored as sent', async () => {
    const a = await createCourse();
    const user = await createUser({ username: unique('Jörg_李_'), email: newEmail('joerg') });
    const idn = `${unique('idn')}@bücher.example`;
    const res = await bulk({
      identifiers: `${user.username} ü${unique('x')}@example.com ${idn}`,
      courses: a.id,
      action: 'enroll',
    });
    const [byName, badLocal, domain] = res.body.courses[a.id].results;
    expect(byName).toMatchObject({ identifier: user.username, after: state(true, true, false) });
    expect(badLocal).toMatchObject({ invalidIdentifier: true });
    expect(domain).toEqual({ identifier: idn, before: NONE, after: state(false, false, true) });
    expect(await allowanceOf(idn, a.id)).toMatchObject({ email: idn });
  });

  it('quotes, apostrophes and other specials are stored verbatim (no injection, no mangling)', async () => {
    const a = await createCourse();
    const tricky = [
      `o'brien+${unique('t')}@example.com`,
      `"${unique('q')}..x"@example.com`,
      `${unique('p')}%41{}|~@example.com`,
      `a\\b"c@example.com`,
    ];
    const res = await bulk({ identifiers: tricky.join('\n'), courses: a.id, action: 'enroll' });
    expect(res.status).toBe(200);
    const results = res.body.courses[a.id].results;
    expect(results.slice(0, 3).map((r: { after: unknown }) => r.after)).toEqual([
      state(false, false, true),
      state(false, false, true),
      state(false, false, true),
    ]);
    expect(results[3]).toEqual({ identifier: tricky[3], invalidIdentifier: true });
    for (const email of tricky.slice(0, 3)) expect(await allowanceOf(email, a.id)).toMatchObject({ email });
    expect((await auditRows(a.id)).map((r) => r.enrolledEmail)).toEqual(tricky.slice(0, 3));
  });

  it('a 320-character address is valid and stored; 321 is invalid; a 20,000-character value is just invalid', async () => {
    const a = await createCourse();
    const domain = `${'d'.repeat(63)}.${'e'.repeat(63)}.com`;
    const at = (n: number) => `${unique('L')}${'l'.repeat(n - 1 - domain.length - unique('L').length)}@${domain}`;
    const ok = at(320);
    const tooLong = at(321);
    const huge = 'x'.repeat(20_000);
    expect(ok).toHaveLength(320);
    expect(tooLong).toHaveLength(321);
    const res = await bulk({ identifiers: [ok, tooLong, huge].join(','), courses: a.id, action: 'enroll' });
    expect(res.status).toBe(200);
    expect(res.body.courses[a.id].results).toEqual([
      { identifier: ok, before: NONE, after: state(false, false, true) },
      { identifier: tooLong, invalidIdentifier: true },
      { identifier: huge, invalidIdentifier: true },
    ]);
    expect(await allowanceOf(ok, a.id)).toMatchObject({ email: ok });
  });

  it("an account whose stored e-mail is not valid is an invalidIdentifier (the working e-mail is the account's)", async () => {
    const a = await createCourse();
    const user = await createUser({ email: `${unique('broken')}@` });
    const res = await bulk({ identifiers: user.username, courses: a.id, action: 'enroll' });
    expect(res.body.courses[a.id].results).toEqual([{ identifier: user.username, invalidIdentifier: true }]);
    expect(await enrollmentRow(user.id, a.id)).toBeUndefined();
  });

  it('a very long username of a real account resolves', async () => {
    const a = await createCourse();
    const user = await createUser({ username: `${unique('long')}${'n'.repeat(200)}` });
    const res = await bulk({ identifiers: user.username, courses: a.id, action: 'enroll' });
    expect(res.body.courses[a.id].results[0].after.enrollment).toBe(true);
    expect((await enrollmentRow(user.id, a.id))?.isActive).toBe(true);
  });

  it('identifiers are not case-folded or normalised: the response echoes each exactly', async () => {
    const a = await createCourse();
    const lower = `${unique('mix')}@example.com`;
    const variants = [lower, lower.toUpperCase(), `${lower.slice(0, 3)}\u0301${lower.slice(3)}`];
    const res = await bulk({ identifiers: variants.join(' '), courses: a.id, action: 'enroll' });
    expect(ids(res, a.id)).toEqual(variants);
    expect(res.body.courses[a.id].results[0].after.allowed).toBe(true);
    expect(res.body.courses[a.id].results[1].after.allowed).toBe(true);
    expect(res.body.courses[a.id].results[2]).toEqual({ identifier: variants[2], invalidIdentifier: true });
  });

  it('a hundred copies of one e-mail: one allowance, a hundred results and audits', async () => {
    const a = await createCourse();
    const email = newEmail();
    const res = await bulk({ identifiers: Array(100).fill(email).join(','), courses: a.id, action: 'enroll' });
    expect(res.body.courses[a.id].results).toHaveLength(100);
    expect(res.body.courses[a.id].results[99].before).toEqual(state(false, false, true));
    expect(await allowanceRows(a.id)).toHaveLength(1);
    expect(await auditRows(a.id)).toHaveLength(100);
  });
});
