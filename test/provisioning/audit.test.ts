import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, newCourseId } from '../helpers/provisioning-api';
import { call, dbQueries, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';

const courseA = newCourseId('AuditA');
const courseB = `AuditB/${unique('C')}/2020`;
const alice = `${unique('alice')}@example.com`;
const bob = `${unique('bob')}@example.com`;

const list = async (query: Record<string, string>) =>
  call(`${ADMIN}/audit/manual-enrollments?${new URLSearchParams(query)}`, { headers: apiKeyHeader });

beforeAll(async () => {
  const insert = env.DB.prepare(
    `insert into enrollment_audit (course_id, enrolled_email, enrolled_by, time_stamp, state_transition, reason, role, source)
     values (?, ?, ?, ?, ?, ?, ?, 'bulk_enroll')`,
  );
  await env.DB.batch([
    insert.bind(courseA, alice, 'staff1', 1_700_000_000_000, 'from unenrolled to enrolled', 'Because', null),
    insert.bind(courseA, bob, null, 1_700_000_005_123, 'from unenrolled to allowed to enroll', null, null),
    insert.bind(courseB, alice, 'staff2', 1_700_000_002_000, 'from enrolled to unenrolled', null, 'Learner'),
    // Inserted last but older: order is by time stamp, not by insertion.
    insert.bind(courseA, alice, 'staff1', 1_600_000_000_000, 'from unenrolled to enrolled', null, null),
  ]);
});

describe('GET /audit/manual-enrollments', () => {
  it('filters by course, newest first, with exactly the documented fields', async () => {
    const res = await list({ course_id: courseA });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(dbQueries(res.headers)).toBe(1);
    expect(res.body).toEqual({
      results: [
        {
          course_id: courseA,
          enrolled_email: bob,
          enrolled_by: null,
          time_stamp: '2023-11-14T22:13:25.123000Z',
          state_transition: 'from unenrolled to allowed to enroll',
          reason: null,
          role: null,
        },
        {
          course_id: courseA,
          enrolled_email: alice,
          enrolled_by: 'staff1',
          time_stamp: '2023-11-14T22:13:20Z',
          state_transition: 'from unenrolled to enrolled',
          reason: 'Because',
          role: null,
        },
        {
          course_id: courseA,
          enrolled_email: alice,
          enrolled_by: 'staff1',
          time_stamp: '2020-09-13T12:26:40Z',
          state_transition: 'from unenrolled to enrolled',
          reason: null,
          role: null,
        },
      ],
    });
  });

  it('filters by e-mail, by both, and by a legacy course id', async () => {
    const byEmail = await list({ email: alice });
    expect(byEmail.body.results.map((r: { course_id: string }) => r.course_id)).toEqual([courseB, courseA, courseA]);
    const both = await list({ email: alice, course_id: courseB });
    expect(both.body.results).toHaveLength(1);
    expect(both.body.results[0]).toMatchObject({ enrolled_by: 'staff2', role: 'Learner' });
    expect((await list({ course_id: courseB })).body.results).toHaveLength(1);
    expect((await list({ email: `${unique('none')}@example.com` })).body).toEqual({ results: [] });
  });

  it('treats empty filters as absent, bounds the answer with limit, and names bad filters', async () => {
    const all = await list({ course_id: '', email: '', limit: '2' });
    expect(all.status).toBe(200);
    expect(all.body.results).toHaveLength(2);
    const bad = await list({ course_id: 'nope', limit: '0' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.field_errors).sort()).toEqual(['course_id', 'limit']);
  });

  it('is open to global staff', async () => {
    const res = await call(`${ADMIN}/audit/manual-enrollments?course_id=${encodeURIComponent(courseA)}`, {
      headers: await jwtHeader(unique('gs'), { administrator: true }),
    });
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(3);
  });
});
