import { describe, expect, it } from 'vitest';
import { API, apiKey, pathId } from '../enrollments/support';
import { createCourse, createUser, enroll } from '../helpers/fixtures';
import { call, dbQueries } from '../helpers/request';

// docs/architecture.md#round-trips: `db;desc="N queries"` counts the request's own round trips.
// The Drizzle instance is shared by the isolate (src/db/client.ts); each D1 call is charged to the
// request running it, so concurrent requests must not see each other's queries.
describe('Server-Timing query counts under concurrency', () => {
  it('parallel requests each report only their own D1 round trips', async () => {
    const course = await createCourse({ modes: [{ slug: 'audit' }] });
    const users = await Promise.all(Array.from({ length: 10 }, () => createUser()));
    await Promise.all(users.map((u) => enroll(u.id, course.id)));

    const requests = users.flatMap((u) => [
      call('/health').then((res) => ({ res, expected: 0 })),
      call(`${API}/enrollment/${u.username},${pathId(course.id)}`, { headers: apiKey }).then((res) => ({
        res,
        expected: 1,
      })),
    ]);
    const answers = await Promise.all(requests);
    for (const { res, expected } of answers) {
      expect(res.status).toBe(200);
      expect(dbQueries(res.headers)).toBe(expected);
    }
  });
});
