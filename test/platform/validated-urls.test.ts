import { describe, expect, it } from 'vitest';
import { createCourse } from '../helpers/fixtures';
import { call } from '../helpers/request';

// lib/route.ts keeps the validated input of a body-less request by URL: only accepted input, and
// one URL's answer never stands in for another's.

const details = (courseId: string, query = '') => call(`/api/enrollment/v1/course/${courseId}${query}`);

describe('validated input kept by URL', () => {
  it('a refused query is refused every time; the same URL with a valid query answers as usual', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await call('/api/enrollment/v1/enrollments/?page_size=abc', { headers: {} });
      expect(res.status).not.toBe(200);
    }
    const course = await createCourse({ name: 'Validated' });
    const plain = await details(course.id);
    const again = await details(course.id);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(plain.body);
  });

  it('each query value is its own input: include_expired on and off keep answering differently', async () => {
    const course = await createCourse({
      name: 'Expired',
      modes: [{ slug: 'audit' }, { slug: 'verified', expirationAt: Date.UTC(1970, 0, 1, 5) }],
    });
    for (let i = 0; i < 3; i++) {
      const on = await details(course.id, '?include_expired=1');
      const off = await details(course.id, '?include_expired=0');
      expect(on.status).toBe(200);
      expect(off.status).toBe(200);
      expect(on.body.course_modes.length).toBeGreaterThan(off.body.course_modes.length);
    }
  });
});
