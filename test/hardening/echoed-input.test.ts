import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { echo } from '../../src/lib/echo';
import { createUser } from '../helpers/fixtures';
import { BASE } from '../helpers/request';
import { jwtHeader } from '../helpers/tokens';

// Errors repeat a caller's value at most 100 characters long, then `…` (docs/api/conventions.md#errors).
const LONG_ID = `course-v1:${'x'.repeat(20_000)}`;
const SHOWN = `${LONG_ID.slice(0, 100)}…`;

describe('echoed input', () => {
  it('keeps short values whole and cuts long ones at 100 characters', () => {
    expect(echo('course-v1:edX+DemoX+Demo_Course')).toBe('course-v1:edX+DemoX+Demo_Course');
    expect(echo('a'.repeat(100))).toBe('a'.repeat(100));
    expect(echo('a'.repeat(101))).toBe(`${'a'.repeat(100)}…`);
    expect(echo('😀'.repeat(101))).toBe(`${'😀'.repeat(100)}…`);
  });

  it('course details: a 20,000-character course id comes back cut', async () => {
    const res = await SELF.fetch(`${BASE}/api/enrollment/v1/course/${LONG_ID}`);
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(JSON.parse(text)).toEqual({ message: `No course found for course ID '${SHOWN}'` });
    expect(text.length).toBeLessThan(300);
  });

  it('enrollment POST: a 20,000-character course id comes back cut', async () => {
    const learner = await createUser({ username: 'echo_learner' });
    const res = await SELF.fetch(`${BASE}/api/enrollment/v1/enrollment`, {
      method: 'POST',
      headers: { ...(await jwtHeader(learner.username)), 'Content-Type': 'application/json' },
      body: JSON.stringify({ course_details: { course_id: LONG_ID } }),
    });
    const text = await res.text();
    expect(res.status, text.slice(0, 300)).toBe(400);
    expect(text).toContain(SHOWN);
    expect(text.length).toBeLessThan(300);
  });
});
