import { describe, expect, it } from 'vitest';
import { MAX_BULK_PAIRS } from '../../src/bulk/bulk.request';
import { activeCount, BULK, countFor, createManyUsers, newEmail, staffHeader } from '../helpers/bulk-fixtures';
import { createCohort, createCourse } from '../helpers/fixtures';
import { call, dbQueries, unique } from '../helpers/request';

// Issue 4 "Scale and round trips": the D1 round trips of a request do not grow with the number of
// identifiers (1000 × 1 course well under 60), read from `Server-Timing`. The figures are printed
// and attached to the test's meta (`--reporter=json` puts them in the report) for the closing note.

interface Measurement {
  identifiers: number;
  courses: number;
  action: string;
  queries: number;
  statements: number;
  wallMs: number;
  serverMs: number;
}

declare module 'vitest' {
  interface TaskMeta {
    bulkMeasurements?: Measurement[];
  }
}

const statementsOf = (headers: Headers) =>
  Number(/db-statements;desc="(\d+) statements"/.exec(headers.get('Server-Timing') ?? '')?.[1] ?? Number.NaN);
const serverMsOf = (headers: Headers) =>
  Number(/total;dur=([\d.]+)/.exec(headers.get('Server-Timing') ?? '')?.[1] ?? Number.NaN);

async function timedBulk(headers: Record<string, string>, json: Record<string, unknown>) {
  const started = performance.now();
  const res = await call(BULK, { method: 'POST', json, headers });
  const wallMs = Math.round(performance.now() - started);
  expect(res.status, res.text.slice(0, 300)).toBe(200);
  return { res, wallMs };
}

/** Half existing users (by username), half new e-mails; enroll with a cohort and e-mail, then unenroll. */
async function measure(n: number, headers: Record<string, string>): Promise<Measurement[]> {
  const course = await createCourse();
  await createCohort(course.id, 'Scale');
  const names = await createManyUsers(unique('sc'), n / 2);
  const identifiers = [...names, ...Array.from({ length: n / 2 }, () => newEmail('sc'))];
  const out: Measurement[] = [];
  for (const action of ['enroll', 'unenroll'] as const) {
    const { res, wallMs } = await timedBulk(headers, {
      identifiers: identifiers.join('\n'),
      courses: course.id,
      action,
      email_students: true,
      ...(action === 'enroll' ? { cohorts: 'Scale', auto_enroll: true } : {}),
    });
    expect(res.body.courses[course.id].results).toHaveLength(n);
    out.push({
      identifiers: n,
      courses: 1,
      action,
      queries: dbQueries(res.headers),
      statements: statementsOf(res.headers),
      wallMs,
      serverMs: serverMsOf(res.headers),
    });
    if (action === 'enroll') {
      expect(await activeCount(course.id)).toBe(n / 2);
      expect(await countFor('enrollment_allowances', course.id)).toBe(n / 2);
    }
  }
  expect(await activeCount(course.id)).toBe(0);
  expect(await countFor('enrollment_audit', course.id)).toBe(2 * n);
  expect(await countFor('outbox', course.id)).toBe(2 * n);
  return out;
}

describe('round trips and wall time (issue 4)', () => {
  it('10, 100 and 1000 identifiers × 1 course: well under 60 queries, and the count does not grow', async ({
    task,
  }) => {
    const headers = await staffHeader();
    await timedBulk(headers, { identifiers: newEmail('warm'), courses: (await createCourse()).id, action: 'enroll' });
    const all: Measurement[] = [];
    for (const n of [10, 100, 1000]) all.push(...(await measure(n, headers)));
    task.meta.bulkMeasurements = all;
    console.warn(`bulk measurements: ${JSON.stringify(all)}`);
    for (const m of all) expect(m.queries, JSON.stringify(m)).toBeLessThan(60);
    for (const action of ['enroll', 'unenroll']) {
      const [q10, q100, q1000] = all.filter((m) => m.action === action).map((m) => m.queries);
      expect(q100, action).toBe(q10);
      expect(q1000, action).toBe(q10);
    }
  });

  it('each extra course costs a bounded number of round trips, independent of identifiers', async () => {
    const headers = await staffHeader();
    const counts: number[] = [];
    for (const courses of [1, 2, 4]) {
      const ids = await Promise.all(Array.from({ length: courses }, () => createCourse()));
      const identifiers = Array.from({ length: 200 }, () => newEmail('mc')).join(',');
      const { res } = await timedBulk(headers, {
        identifiers,
        courses: ids.map((c) => c.id).join(','),
        action: 'enroll',
      });
      counts.push(dbQueries(res.headers));
    }
    const [one, two, four] = counts as [number, number, number];
    expect(two - one).toBeLessThanOrEqual(1);
    expect(four - one).toBeLessThanOrEqual(3);
  });

  it('rejections cost at most the read: 404 and unknown cohort after one round trip, 400/413 before any', async () => {
    const headers = await staffHeader();
    const a = await createCourse();
    const identifiers = Array.from({ length: 500 }, () => newEmail('rj')).join(',');
    const missing = await call(BULK, {
      method: 'POST',
      json: { identifiers, courses: `${a.id},course-v1:No+${unique('C')}+R`, action: 'enroll' },
      headers,
    });
    expect(missing.status).toBe(404);
    const cohort = await call(BULK, {
      method: 'POST',
      json: { identifiers, courses: a.id, action: 'enroll', cohorts: 'X' },
      headers,
    });
    expect(cohort.status).toBe(400);
    const invalid = await call(BULK, {
      method: 'POST',
      json: { identifiers, courses: 'bad', action: 'enroll' },
      headers,
    });
    expect(invalid.status).toBe(400);
    const tooMany = await call(BULK, {
      method: 'POST',
      json: {
        identifiers: Array(MAX_BULK_PAIRS + 1)
          .fill('x')
          .join(','),
        courses: a.id,
        action: 'enroll',
      },
      headers,
    });
    expect(tooMany.status).toBe(413);
    // The staff JWT costs one read; the request's own read is one more.
    expect(dbQueries(missing.headers)).toBeLessThanOrEqual(2);
    expect(dbQueries(cohort.headers)).toBeLessThanOrEqual(2);
    expect(dbQueries(invalid.headers)).toBeLessThanOrEqual(1);
    expect(dbQueries(tooMany.headers)).toBeLessThanOrEqual(1);
  });

  it(`the bound itself: ${MAX_BULK_PAIRS} new e-mails with e-mail notices in one course succeed`, async ({ task }) => {
    const headers = await staffHeader();
    const course = await createCourse();
    const identifiers = Array.from({ length: MAX_BULK_PAIRS }, () => newEmail('max')).join('\n');
    const { res, wallMs } = await timedBulk(headers, {
      identifiers,
      courses: course.id,
      action: 'enroll',
      email_students: true,
      auto_enroll: true,
    });
    const m: Measurement = {
      identifiers: MAX_BULK_PAIRS,
      courses: 1,
      action: 'enroll',
      queries: dbQueries(res.headers),
      statements: statementsOf(res.headers),
      wallMs,
      serverMs: serverMsOf(res.headers),
    };
    task.meta.bulkMeasurements = [m];
    console.warn(`bulk measurement at the bound: ${JSON.stringify(m)}`);
    expect(m.queries).toBeLessThan(60);
    expect(await countFor('enrollment_allowances', course.id)).toBe(MAX_BULK_PAIRS);
    expect(await countFor('outbox', course.id)).toBe(MAX_BULK_PAIRS);
  }, 120_000);
});
