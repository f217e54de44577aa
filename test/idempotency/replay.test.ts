import { describe, expect, it } from 'vitest';
import { dbQueries } from '../helpers/request';
import { effects, enrollCall, keyed, keyRows, learnerAndCourse, newKey } from './support';

describe('Idempotency-Key on E5 POST /enrollment', () => {
  it('replays the first answer with Idempotent-Replayed and applies nothing again', async () => {
    const { course, headers } = await learnerAndCourse();
    const key = newKey();
    const first = await enrollCall(course, keyed(key, headers));
    expect(first.status, first.text).toBe(200);
    expect(first.headers.get('Idempotent-Replayed')).toBeNull();
    const before = await effects(course.id);
    expect(before).toEqual({ enrollments: 1, audit: 1, events: 1 });

    const again = await enrollCall(course, keyed(key, headers));
    expect(again.status).toBe(200);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.headers.get('Content-Type')).toBe('application/json');
    expect(again.text).toBe(first.text);
    expect(await effects(course.id)).toEqual(before);
    expect(await keyRows(key)).toHaveLength(1);
    console.log(dbQueries(first.headers), dbQueries(again.headers));
  });
});
