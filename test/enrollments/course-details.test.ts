import { env } from 'cloudflare:test';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { courseModes } from '../../src/db/schema';
import { createCourse, db, uniqueCourseId, uniquePart } from '../helpers/fixtures';
import { call, dbQueries } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';
import {
  API,
  DEFAULT_AUDIT_MODE,
  DETAILS_KEYS,
  detailsJson,
  expectJson,
  future,
  iso,
  MODE_KEYS,
  past,
  pathId,
} from './support';

const details = (courseId: string, query = '', headers: Record<string, string> = {}) =>
  call(`${API}/course/${pathId(courseId)}${query}`, { headers });

const cacheTiming = (headers: Headers) => /cache;desc="(hit|miss)"/.exec(headers.get('Server-Timing') ?? '')?.[1];

describe('E1 GET /course/{course_id} (#e1)', () => {
  it('answers the course details with every field in order (#course-details-object, #mode-object)', async () => {
    const course = await createCourse({
      name: 'Demonstration Course',
      enrollmentStart: Date.UTC(2014, 9, 15, 20, 18),
      courseStart: Date.UTC(2015, 1, 3),
      courseEnd: Date.UTC(2016, 1, 3, 0, 0, 0, 123),
      modes: [
        { slug: 'honor', name: 'Honor', sku: '123', bulkSku: 'BULK123' },
        {
          slug: 'verified',
          name: 'Verified Certificate',
          minPrice: 49,
          suggestedPrices: '49,99',
          currency: 'eur',
          expirationAt: Date.UTC(2099, 0, 1),
          description: 'the real thing',
          sku: 'ABC123',
        },
      ],
    });
    const res = await details(course.id);
    expect(res.status).toBe(200);
    expectJson(res);
    expect(Object.keys(res.body)).toEqual(DETAILS_KEYS);
    for (const mode of res.body.course_modes) expect(Object.keys(mode)).toEqual(MODE_KEYS);
    expect(res.body).toEqual({
      course_id: course.id,
      course_name: 'Demonstration Course',
      enrollment_start: '2014-10-15T20:18:00Z',
      enrollment_end: null,
      course_start: '2015-02-03T00:00:00Z',
      course_end: '2016-02-03T00:00:00.123000Z',
      invite_only: false,
      pacing_type: 'Instructor Paced',
      course_modes: [
        {
          slug: 'honor',
          name: 'Honor',
          min_price: 0,
          suggested_prices: '',
          currency: 'usd',
          expiration_datetime: null,
          description: null,
          sku: '123',
          bulk_sku: 'BULK123',
        },
        {
          slug: 'verified',
          name: 'Verified Certificate',
          min_price: 49,
          suggested_prices: '49,99',
          currency: 'eur',
          expiration_datetime: '2099-01-01T00:00:00Z',
          description: 'the real thing',
          sku: 'ABC123',
          bulk_sku: null,
        },
      ],
    });
  });

  it('reports self-paced courses and invite-only (#d23)', async () => {
    const course = await createCourse({ selfPaced: true, inviteOnly: true });
    const res = await details(course.id);
    expect(res.body.pacing_type).toBe('Self Paced');
    expect(res.body.invite_only).toBe(true);
  });

  it('keeps the provisioning order of modes and shows credit modes (#modes)', async () => {
    const course = await createCourse({
      modes: [{ slug: 'verified' }, { slug: 'credit' }, { slug: 'audit' }, { slug: 'honor' }],
    });
    const res = await details(course.id);
    expect(res.body.course_modes.map((m: { slug: string }) => m.slug)).toEqual([
      'verified',
      'credit',
      'audit',
      'honor',
    ]);
  });

  it('hides expired modes unless include_expired is asked for (#modes, #e1)', async () => {
    const expiredAt = Date.UTC(1970, 0, 1, 5);
    const course = await createCourse({
      modes: [
        { slug: 'honor', sku: '123', bulkSku: 'BULK123' },
        { slug: 'verified', expirationAt: expiredAt },
        { slug: 'professional', expirationAt: future() },
      ],
    });
    const plain = await details(course.id);
    expect(plain.body.course_modes.map((m: { slug: string }) => m.slug)).toEqual(['honor', 'professional']);
    const all = await details(course.id, '?include_expired=1');
    expect(all.body).toEqual(detailsJson(course, { includeExpired: true }));
    expect(all.body.course_modes[1].expiration_datetime).toBe('1970-01-01T05:00:00Z');
  });

  it('synthesises a single audit mode when no mode is shown (#modes)', async () => {
    const none = await createCourse({ modes: [] });
    expect((await details(none.id)).body.course_modes).toEqual([DEFAULT_AUDIT_MODE]);
    const allExpired = await createCourse({ modes: [{ slug: 'verified', expirationAt: past() }] });
    expect((await details(allExpired.id)).body.course_modes).toEqual([DEFAULT_AUDIT_MODE]);
    const withExpired = await details(allExpired.id, '?include_expired=true');
    expect(withExpired.body.course_modes.map((m: { slug: string }) => m.slug)).toEqual(['verified']);
    expect(Object.keys(withExpired.body.course_modes[0])).toEqual(MODE_KEYS);
  });

  it.each([
    ['0', false],
    ['false', false],
    ['FALSE', false],
    ['No', false],
    ['off', false],
    ['', false],
    ['1', true],
    ['true', true],
    ['yes', true],
    ['anything', true],
  ])('include_expired=%j → expired modes shown: %s (D2)', async (value, shown) => {
    const course = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'verified', expirationAt: past() }] });
    const res = await details(course.id, `?include_expired=${encodeURIComponent(value)}`);
    expect(res.status).toBe(200);
    expect(res.body.course_modes.some((m: { slug: string }) => m.slug === 'verified')).toBe(shown);
  });

  it('parses include_expired as documented (#e1) for arbitrary values (property)', async () => {
    const course = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'verified', expirationAt: past() }] });
    const falsy = fc
      .constantFrom('0', 'false', 'no', 'off')
      .chain((w) =>
        fc
          .array(fc.boolean(), { minLength: w.length, maxLength: w.length })
          .map((up) => [...w].map((ch, i) => (up[i] ? ch.toUpperCase() : ch)).join('')),
      );
    const other = fc.stringMatching(/^[A-Za-z0-9_.~-]{1,12}$/);
    await fc.assert(
      fc.asyncProperty(fc.oneof(falsy, other), async (value) => {
        const res = await details(course.id, `?include_expired=${encodeURIComponent(value)}`);
        expect(res.status).toBe(200);
        const expected = !['0', 'false', 'no', 'off'].includes(value.toLowerCase());
        expect(res.body.course_modes.some((m: { slug: string }) => m.slug === 'verified')).toBe(expected);
      }),
      { numRuns: 40 },
    );
  });

  it('matches with and without a trailing slash and with a literal or encoded +', async () => {
    const course = await createCourse();
    for (const path of [
      `${API}/course/${course.id}`,
      `${API}/course/${course.id}/`,
      `${API}/course/${pathId(course.id)}`,
      `${API}/course/${encodeURIComponent(course.id)}/`,
    ]) {
      const res = await call(path);
      expect(res.status, path).toBe(200);
      expect(res.body.course_id, path).toBe(course.id);
    }
  });

  it('serves slash-form course ids spanning several segments', async () => {
    const id = `edX/${uniquePart('D')}/2014`;
    await createCourse({ id });
    for (const path of [`${API}/course/${id}`, `${API}/course/${id}/`]) {
      const res = await call(path);
      expect(res.status, path).toBe(200);
      expect(res.body.course_id).toBe(id);
    }
  });

  it('answers 400 for an unknown course, with the id as it appeared (decoded)', async () => {
    const id = uniqueCourseId();
    const res = await details(id);
    expect(res.status).toBe(400);
    expectJson(res);
    expect(res.body).toEqual({ message: `No course found for course ID '${id}'` });
  });

  it('answers 400 for an id that is not a course key', async () => {
    const res = await call(`${API}/course/not-a-key`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ message: "No course found for course ID 'not-a-key'" });
  });

  it('never answers 5xx for arbitrary course ids (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40 }), async (raw) => {
        const res = await call(`${API}/course/${encodeURIComponent(raw)}`);
        expect(res.status).toBeLessThan(500);
        expectJson(res);
      }),
      { numRuns: 60 },
    );
  });

  it('gives the unknown-course message for ids with safe characters (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9:._~+-]{0,39}$/), async (raw) => {
        const res = await call(`${API}/course/${encodeURIComponent(raw)}`);
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ message: `No course found for course ID '${raw}'` });
      }),
      { numRuns: 40 },
    );
  });

  it('ignores Authorization: a bad JWT does not give 401, and no auth is needed', async () => {
    const course = await createCourse();
    for (const headers of [
      {},
      { Authorization: 'JWT not.a.token' },
      { Authorization: 'Bearer garbage' },
      await jwtHeader('someone', { isRestricted: true }),
      apiKeyHeader,
      { 'X-Edx-Api-Key': 'wrong' },
    ]) {
      const res = await details(course.id, '', headers);
      expect(res.status, JSON.stringify(headers)).toBe(200);
    }
  });

  it('answers other methods with 405 JSON and Allow', async () => {
    const course = await createCourse();
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const res = await call(`${API}/course/${pathId(course.id)}`, { method });
      expect(res.status, method).toBe(405);
      expectJson(res);
      expect(res.headers.get('Allow')).toContain('GET');
    }
  });
});

describe('E1 caching (#course-details-cache)', () => {
  it('misses, stores under the documented key, then hits with 0 queries', async () => {
    const course = await createCourse();
    const first = await details(course.id);
    expect(first.status).toBe(200);
    expect(cacheTiming(first.headers)).toBe('miss');
    // The KV write may happen after the response (waitUntil): wait until it is visible.
    const key = `enrollment.course.details.${course.id}.False`;
    for (let i = 0; i < 50 && (await env.CACHE.get(key)) === null; i++) await new Promise((r) => setTimeout(r, 20));
    expect(JSON.parse((await env.CACHE.get(key)) ?? 'null')).toEqual(first.body);
    expect(await env.CACHE.get(`enrollment.course.details.${course.id}.True`)).toBeNull();

    const second = await details(course.id);
    expect(second.status).toBe(200);
    expect(cacheTiming(second.headers)).toBe('hit');
    expect(dbQueries(second.headers)).toBe(0);
    expect(second.text).toBe(first.text);
    expectJson(second);
  });

  it('keeps include_expired variants apart (key flag = parsed include_expired)', async () => {
    const course = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'verified', expirationAt: past() }] });
    await details(course.id, '?include_expired=1');
    const key = `enrollment.course.details.${course.id}.True`;
    for (let i = 0; i < 50 && (await env.CACHE.get(key)) === null; i++) await new Promise((r) => setTimeout(r, 20));
    const cached = JSON.parse((await env.CACHE.get(key)) ?? 'null');
    expect(cached.course_modes).toHaveLength(2);
    const plain = await details(course.id);
    expect(cacheTiming(plain.headers)).toBe('miss');
    expect(plain.body.course_modes).toHaveLength(1);
    const yes = await details(course.id, '?include_expired=yes');
    expect(cacheTiming(yes.headers)).toBe('hit');
    expect(yes.body.course_modes).toHaveLength(2);
  });

  it('uses the decoded course id for the key (an encoded + hits the same entry)', async () => {
    const course = await createCourse();
    await call(`${API}/course/${course.id}`);
    const key = `enrollment.course.details.${course.id}.False`;
    for (let i = 0; i < 50 && (await env.CACHE.get(key)) === null; i++) await new Promise((r) => setTimeout(r, 20));
    const res = await call(`${API}/course/${pathId(course.id)}/`);
    expect(cacheTiming(res.headers)).toBe('hit');
  });

  it('serves the cached copy within the TTL even when storage changed', async () => {
    const course = await createCourse({ modes: [{ slug: 'audit' }] });
    await details(course.id);
    const key = `enrollment.course.details.${course.id}.False`;
    for (let i = 0; i < 50 && (await env.CACHE.get(key)) === null; i++) await new Promise((r) => setTimeout(r, 20));
    await db().insert(courseModes).values({ courseId: course.id, position: 1, slug: 'verified', name: 'Verified' });
    const res = await details(course.id);
    expect(cacheTiming(res.headers)).toBe('hit');
    expect(res.body.course_modes.map((m: { slug: string }) => m.slug)).toEqual(['audit']);
  });

  it('does not cache unknown courses', async () => {
    const id = uniqueCourseId();
    const first = await details(id);
    const second = await details(id);
    expect(first.status).toBe(400);
    expect(second.status).toBe(400);
    expect(cacheTiming(second.headers)).not.toBe('hit');
    expect(await env.CACHE.get(`enrollment.course.details.${id}.False`)).toBeNull();
  });

  it('is dropped by PUT /api/admin/v1/courses/{id} (contract)', async () => {
    const course = await createCourse({ modes: [{ slug: 'audit' }] });
    await details(course.id);
    const key = `enrollment.course.details.${course.id}.False`;
    for (let i = 0; i < 50 && (await env.CACHE.get(key)) === null; i++) await new Promise((r) => setTimeout(r, 20));
    const put = await call(`/api/admin/v1/courses/${pathId(course.id)}`, {
      method: 'PUT',
      headers: apiKeyHeader,
      json: {
        course_name: 'Renamed',
        course_start: null,
        course_end: null,
        enrollment_start: null,
        enrollment_end: null,
        invite_only: false,
        modes: [{ slug: 'honor', name: 'Honor', min_price: 0, suggested_prices: '', currency: 'usd' }],
      },
    });
    expect(put.status).toBeLessThan(300);
    const res = await details(course.id);
    expect(cacheTiming(res.headers)).toBe('miss');
    expect(res.body.course_name).toBe('Renamed');
    expect(res.body.course_modes.map((m: { slug: string }) => m.slug)).toEqual(['honor']);
  });

  it('formats datetimes as documented (#callers) for stored values with and without milliseconds', async () => {
    const start = Date.UTC(2020, 4, 6, 7, 8, 9, 5);
    const course = await createCourse({ enrollmentStart: start, enrollmentEnd: Date.UTC(2099, 0, 1) });
    const res = await details(course.id);
    expect(res.body.enrollment_start).toBe('2020-05-06T07:08:09.005000Z');
    expect(res.body.enrollment_start).toBe(iso(start));
    expect(res.body.enrollment_end).toBe('2099-01-01T00:00:00Z');
  });
});
