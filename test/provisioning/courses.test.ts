import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ADMIN, courseBody, newCourseId, provisionCourse, provisionUser } from '../helpers/provisioning-api';
import { call, dbQueries, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';

const put = (courseId: string, json: unknown, headers: Record<string, string> = apiKeyHeader) =>
  call(`${ADMIN}/courses/${courseId}`, { method: 'PUT', headers, json });
const get = (courseId: string) => call(`${ADMIN}/courses/${courseId}`, { headers: apiKeyHeader });
const del = (courseId: string) => call(`${ADMIN}/courses/${courseId}`, { method: 'DELETE', headers: apiKeyHeader });

const mode = (slug: string, extra: Record<string, unknown> = {}) => ({ slug, name: slug.toUpperCase(), ...extra });

describe('PUT /courses/{course_id}', () => {
  it('creates (201) then replaces (200), answering the stored course with defaults applied', async () => {
    const id = newCourseId('OrgA');
    const created = await put(
      id,
      courseBody({
        modes: [
          mode('verified', { min_price: 49, currency: 'EUR', expiration_datetime: '2031-02-03T04:05:06.789+01:00' }),
          mode('audit'),
        ],
      }),
    );
    expect(created.status, created.text).toBe(201);
    expect(created.headers.get('Content-Type')).toBe('application/json');
    expect(created.body).toEqual({
      course_id: id,
      course_name: 'Provisioned course',
      org: 'OrgA',
      course_start: '2030-01-01T00:00:00Z',
      course_end: null,
      enrollment_start: null,
      enrollment_end: null,
      invite_only: false,
      max_student_enrollments_allowed: null,
      self_paced: false,
      bulk_email_enabled: false,
      blocked_countries: [],
      modes: [
        {
          slug: 'verified',
          name: 'VERIFIED',
          min_price: 49,
          suggested_prices: '',
          currency: 'eur',
          expiration_datetime: '2031-02-03T03:05:06.789000Z',
          description: null,
          sku: null,
          bulk_sku: null,
        },
        {
          slug: 'audit',
          name: 'AUDIT',
          min_price: 0,
          suggested_prices: '',
          currency: 'usd',
          expiration_datetime: null,
          description: null,
          sku: null,
          bulk_sku: null,
        },
      ],
    });

    const replaced = await put(
      id,
      courseBody({
        course_name: 'Renamed',
        org: 'OtherOrg',
        invite_only: true,
        self_paced: true,
        bulk_email_enabled: true,
        max_student_enrollments_allowed: 10,
        enrollment_end: '2031-01-01T00:00:00Z',
        modes: [mode('honor', { suggested_prices: '10,20', sku: 'S1', bulk_sku: 'B1', description: 'd' })],
      }),
    );
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      course_name: 'Renamed',
      org: 'OtherOrg',
      invite_only: true,
      self_paced: true,
      bulk_email_enabled: true,
      max_student_enrollments_allowed: 10,
      enrollment_end: '2031-01-01T00:00:00Z',
    });
    // Modes are replaced wholesale.
    expect(replaced.body.modes).toEqual([
      {
        slug: 'honor',
        name: 'HONOR',
        min_price: 0,
        suggested_prices: '10,20',
        currency: 'usd',
        expiration_datetime: null,
        description: 'd',
        sku: 'S1',
        bulk_sku: 'B1',
      },
    ]);
    const read = await get(id);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(replaced.body);
  });

  it('keeps the modes in array order, and an empty list removes them all', async () => {
    const id = newCourseId();
    const slugs = ['professional', 'audit', 'verified', 'credit', 'honor'];
    const res = await put(id, courseBody({ modes: slugs.map((s) => mode(s)) }));
    expect(res.body.modes.map((m: { slug: string }) => m.slug)).toEqual(slugs);
    const emptied = await put(id, courseBody({ modes: [] }));
    expect(emptied.status).toBe(200);
    expect(emptied.body.modes).toEqual([]);
  });

  it('keeps the embargo when the course is pushed again', async () => {
    const id = await provisionCourse();
    await call(`${ADMIN}/courses/${id}/embargo`, {
      method: 'PUT',
      headers: apiKeyHeader,
      json: { blocked_countries: ['IR'] },
    });
    const res = await put(id, courseBody({ course_name: 'Again' }));
    expect(res.status).toBe(200);
    expect(res.body.blocked_countries).toEqual(['IR']);
  });

  it('serves legacy slash ids, percent-encoded ids and trailing slashes', async () => {
    const legacy = `edX/${unique('Legacy')}/2014`;
    const created = await put(legacy, courseBody());
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ course_id: legacy, org: 'edX' });
    expect((await get(`${legacy}/`)).body.course_id).toBe(legacy);
    expect((await get(encodeURIComponent(legacy))).body.course_id).toBe(legacy);

    const id = newCourseId();
    expect((await put(`${encodeURIComponent(id)}/`, courseBody())).status).toBe(201);
    expect((await get(id)).body.course_id).toBe(id);
  });

  it('costs one D1 round trip whatever the number of modes (plus one for a JWT user)', async () => {
    const few = await put(newCourseId(), courseBody({ modes: [mode('audit')] }));
    const many = await put(newCourseId(), courseBody({ modes: Array.from({ length: 50 }, (_, i) => mode(`m${i}`)) }));
    expect(many.status).toBe(201);
    expect(many.body.modes).toHaveLength(50);
    expect(dbQueries(few.headers)).toBe(1);
    expect(dbQueries(many.headers)).toBe(1);
    const headers = await jwtHeader(unique('gs'), { administrator: true });
    await call(`${ADMIN}/courses/${newCourseId()}`, { headers });
    const staff = await put(newCourseId(), courseBody(), headers);
    expect(staff.status).toBe(201);
    // The JWT user was read on its first request; the isolate's account cache spares the read now.
    expect(dbQueries(staff.headers)).toBe(1);
  });

  it('drops both cached course-details entries', async () => {
    const id = await provisionCourse();
    const keys = [`enrollment.course.details.${id}.True`, `enrollment.course.details.${id}.False`];
    for (const key of keys) await env.CACHE.put(key, '{"stale":true}');
    expect((await put(id, courseBody({ course_name: 'Fresh' }))).status).toBe(200);
    for (const key of keys) expect(await env.CACHE.get(key)).toBeNull();
  });
});

describe('PUT /courses/{course_id} validation', () => {
  it('names every bad field at once (path and body) and stores nothing', async () => {
    const res = await put('not-a-course-key', {
      course_name: '',
      course_start: 'yesterday',
      enrollment_start: '2030-02-30T00:00:00Z',
      enrollment_end: null,
      invite_only: 'yes',
      max_student_enrollments_allowed: 1.5,
      org: '',
      modes: [
        { slug: 'ok', name: 'OK', min_price: -1 },
        { slug: 'bad slug', name: '', currency: 'dollars', suggested_prices: '1;2' },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.body.error_code).toBe('invalid_request');
    expect(typeof res.body.developer_message).toBe('string');
    expect(Object.keys(res.body.field_errors).sort()).toEqual(
      [
        'course_id',
        'course_name',
        'course_start',
        'course_end',
        'enrollment_start',
        'invite_only',
        'max_student_enrollments_allowed',
        'org',
        'modes.0.min_price',
        'modes.1.slug',
        'modes.1.name',
        'modes.1.currency',
        'modes.1.suggested_prices',
      ].sort(),
    );
    expect(res.body.field_errors.course_end).toEqual({ developer_message: 'This field is required.' });
    expect(res.body.field_errors.course_id).toEqual({ developer_message: 'Not a valid course key.' });
  });

  it('refuses duplicate mode slugs and more than 50 modes', async () => {
    const id = newCourseId();
    const dup = await put(id, courseBody({ modes: [mode('audit'), mode('verified'), mode('audit')] }));
    expect(dup.status).toBe(400);
    expect(Object.keys(dup.body.field_errors)).toEqual(['modes.2.slug']);
    const tooMany = await put(id, courseBody({ modes: Array.from({ length: 51 }, (_, i) => mode(`m${i}`)) }));
    expect(tooMany.status).toBe(400);
    expect(Object.keys(tooMany.body.field_errors)).toEqual(['modes']);
    expect((await get(id)).status).toBe(404);
  });

  it('answers 400 for a body that is not JSON or not an object', async () => {
    const id = newCourseId();
    const notJson = await call(`${ADMIN}/courses/${id}`, {
      method: 'PUT',
      headers: { ...apiKeyHeader, 'Content-Type': 'application/json' },
      body: '{"course_name": ',
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body).toEqual({ error_code: 'invalid_json', developer_message: 'Request body is not valid JSON.' });
    for (const body of [[], 'text', 42, null]) {
      const res = await put(id, body);
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('invalid_request');
    }
    const empty = await call(`${ADMIN}/courses/${id}`, { method: 'PUT', headers: apiKeyHeader });
    expect(empty.status).toBe(400);
    expect((await get(id)).status).toBe(404);
  });

  it('leaves a stored course untouched when a replacement is refused', async () => {
    const id = await provisionCourse(newCourseId(), { modes: [mode('audit'), mode('verified')] });
    const before = await get(id);
    const refused = await put(
      id,
      courseBody({ course_name: 'Changed', modes: [mode('audit'), mode('x', { min_price: 'free' })] }),
    );
    expect(refused.status).toBe(400);
    expect(Object.keys(refused.body.field_errors)).toEqual(['modes.1.min_price']);
    expect((await get(id)).body).toEqual(before.body);
  });
});

describe('GET and DELETE /courses/{course_id}', () => {
  it('answers 404 in the service shape for an unknown course', async () => {
    const res = await get(newCourseId());
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error_code: 'course_not_found' });
    expect(typeof res.body.developer_message).toBe('string');
    expect((await get('not-a-key')).status).toBe(400);
  });

  it('deletes a course without enrollments (204, then 404) with its modes and roles, and drops its cache', async () => {
    const id = await provisionCourse();
    const username = await provisionUser();
    await call(`${ADMIN}/courses/${id}/roles/${username}`, {
      method: 'PUT',
      headers: apiKeyHeader,
      json: { role: 'staff' },
    });
    await env.CACHE.put(`enrollment.course.details.${id}.False`, '{}');
    const res = await del(id);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(dbQueries(res.headers)).toBe(1);
    expect(await env.CACHE.get(`enrollment.course.details.${id}.False`)).toBeNull();
    expect((await get(id)).status).toBe(404);
    const leftovers = await env.DB.prepare(
      'select (select count(*) from course_modes where course_id = ?1) + (select count(*) from course_roles where course_id = ?1) as n',
    )
      .bind(id)
      .first<{ n: number }>();
    expect(leftovers?.n).toBe(0);
    expect((await del(id)).status).toBe(404);
  });

  it('refuses (409) to delete a course that has an enrollment, even an inactive one, and keeps it', async () => {
    const id = await provisionCourse();
    const user = await call(`${ADMIN}/users/${await provisionUser()}`, { headers: apiKeyHeader });
    await env.DB.prepare(
      "insert into enrollments (user_id, course_id, mode, is_active, created_at, updated_at) values (?, ?, 'audit', 0, 0, 0)",
    )
      .bind(user.body.id, id)
      .run();
    const res = await del(id);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error_code: 'course_has_enrollments' });
    expect((await get(id)).status).toBe(200);
  });
});
