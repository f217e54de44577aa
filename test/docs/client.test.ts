import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEnrollmentClient } from '../../client';
import { BASE, unique } from '../helpers/request';
import { TEST_API_KEY, tokenFor } from '../helpers/tokens';

// The typed client (client/index.ts, openapi-fetch over client/schema.d.ts) against the real Worker:
// its fetch is SELF's, so every call goes through routing, auth and D1 like a network call would.
const fetch = (request: Request) => SELF.fetch(request);
const COURSE_ID = 'course-v1:edX+DemoX+Demo_Course';

describe('typed client', () => {
  beforeAll(async () => {
    // The seeded demo course (scripts/seed-local.sql), provisioned the way the LMS would: API key.
    const service = createEnrollmentClient(BASE, { apiKey: TEST_API_KEY, fetch });
    const { data, error, response } = await service.PUT('/api/admin/v1/courses/{course_id}', {
      params: { path: { course_id: COURSE_ID } },
      body: {
        course_name: 'Demonstration Course',
        org: 'edX',
        course_start: '2015-02-03T00:00:00Z',
        course_end: null,
        enrollment_start: '2014-10-15T20:18:00Z',
        enrollment_end: null,
        modes: [
          { slug: 'audit', name: 'Audit' },
          {
            slug: 'verified',
            name: 'Verified Certificate',
            min_price: 49,
            expiration_datetime: '2099-12-31T23:59:59Z',
          },
        ],
      },
    });
    expect(error, JSON.stringify(error)).toBeUndefined();
    expect([200, 201]).toContain(response.status);
    expect(data?.course_id).toBe(COURSE_ID);
  });

  it('reads course details anonymously, with typed data', async () => {
    const api = createEnrollmentClient(`${BASE}/`, { fetch });
    const { data, error, response } = await api.GET('/api/enrollment/v1/course/{course_id}', {
      params: { path: { course_id: COURSE_ID } },
    });
    expect(response.status).toBe(200);
    expect(error).toBeUndefined();
    expect(data?.course_name).toBe('Demonstration Course');
    expect(data?.course_modes.map((mode) => mode.slug)).toEqual(['audit', 'verified']);
    expect(data?.pacing_type).toBe('Instructor Paced');
  });

  it('returns the documented error body for an unknown course', async () => {
    const api = createEnrollmentClient(BASE, { fetch });
    const { data, error, response } = await api.GET('/api/enrollment/v1/course/{course_id}', {
      params: { path: { course_id: 'course-v1:edX+NoSuchX+2025' } },
    });
    expect(response.status).toBe(400);
    expect(data).toBeUndefined();
    expect(error).toEqual({ message: "No course found for course ID 'course-v1:edX+NoSuchX+2025'" });
  });

  it('enrolls with a JWT (`JWT` prefix) and lists with the same token (`Bearer` prefix)', async () => {
    const username = unique('client');
    const token = await tokenFor(username);
    const learner = createEnrollmentClient(BASE, { token, fetch });
    const enrolled = await learner.POST('/api/enrollment/v1/enrollment', {
      body: { course_details: { course_id: COURSE_ID } },
    });
    expect(enrolled.error, JSON.stringify(enrolled.error)).toBeUndefined();
    expect(enrolled.data).toMatchObject({ user: username, mode: 'audit', is_active: true });
    expect(enrolled.data?.course_details.course_id).toBe(COURSE_ID);

    const bearer = createEnrollmentClient(BASE, { token, tokenPrefix: 'Bearer', fetch });
    const listed = await bearer.GET('/api/enrollment/v1/enrollment');
    expect(listed.response.status).toBe(200);
    expect(listed.data?.map((e) => e.course_details.course_id)).toEqual([COURSE_ID]);
  });

  it('surfaces 401 with the DRF detail body when no credentials are sent', async () => {
    const anonymous = createEnrollmentClient(BASE, { fetch });
    const { error, response } = await anonymous.GET('/api/enrollment/v1/enrollment');
    expect(response.status).toBe(401);
    expect(error).toEqual({ detail: 'Authentication credentials were not provided.' });
  });
});
