import fc from 'fast-check';
import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isBookmarkRefusal, sessionStart } from '../../src/lib/d1-bookmark';
import { ApiError } from '../../src/lib/errors';
import { renderError } from '../../src/middleware/render-error';
import { API, apiKey, body, pathId, postEnrollment } from '../enrollments/support';
import { createCourse, createUser, snapshot } from '../helpers/fixtures';
import { call } from '../helpers/request';
import { BOOKMARK, BOOKMARK_FORM, FORMED_BOOKMARK, invalidBookmarkBody, watchSessions } from './support';

// docs/api/read-your-writes.md#invalid-bookmark: a bookmark that is not D1's is refused with 400
// invalid_bookmark before anything runs; one D1 itself refuses gets the same answer.

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a malformed x-d1-bookmark (#invalid-bookmark)', () => {
  it('refuses a write with 400 invalid_bookmark, writes nothing and opens no session', async () => {
    const course = await createCourse();
    const user = await createUser();
    const scope = { courseIds: [course.id], userIds: [user.id] };
    const before = await snapshot(scope);
    const spy = watchSessions();
    const res = await postEnrollment(body(course.id, { user: user.username }), { ...apiKey, [BOOKMARK]: 'garbage' });
    expect(res.status).toBe(400);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.body).toEqual(invalidBookmarkBody('garbage'));
    expect(res.headers.get(BOOKMARK)).toBeNull();
    expect(spy).not.toHaveBeenCalled();
    expect(await snapshot(scope)).toBe(before);
  });

  it('refuses a read the same way, also where no D1 query would run (one answer whatever the cache)', async () => {
    const course = await createCourse();
    for (const path of [`${API}/course/${pathId(course.id)}`, '/health']) {
      const res = await call(path, { headers: { [BOOKMARK]: 'garbage' } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(invalidBookmarkBody('garbage'));
    }
  });

  it('cuts a long bookmark in the message', async () => {
    const long = 'a'.repeat(500);
    const res = await call('/health', { headers: { [BOOKMARK]: long } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalidBookmarkBody(`${'a'.repeat(100)}…`));
  });

  it('refuses near misses of the form: uppercase, short groups, extra characters', async () => {
    for (const value of [
      '0000000a-0000000b-0000000c-0000000000000000000000000000000d'.toUpperCase(),
      FORMED_BOOKMARK.slice(1),
      `${FORMED_BOOKMARK}0`,
      ` ${FORMED_BOOKMARK}x`,
      'first-primary',
      'first-unconstrained',
    ]) {
      const res = await call('/health', { headers: { [BOOKMARK]: value } });
      expect(res.status, value).toBe(400);
      expect(res.body.error_code).toBe('invalid_bookmark');
    }
  });
});

describe('sessionStart (pure)', () => {
  it('the bookmark sent when well formed, else the constraint by method', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
        fc.option(fc.stringMatching(BOOKMARK_FORM), { nil: undefined }),
        (method, bookmark) => {
          const expected =
            bookmark ?? (method === 'GET' || method === 'HEAD' ? 'first-unconstrained' : 'first-primary');
          expect(sessionStart(method, bookmark)).toBe(expected);
        },
      ),
    );
  });

  it('throws invalid_bookmark for any other non-empty string', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => !BOOKMARK_FORM.test(s)),
        (value) => {
          const error = (() => {
            try {
              sessionStart('GET', value);
            } catch (e) {
              return e;
            }
          })();
          expect(error).toBeInstanceOf(ApiError);
          expect((error as ApiError).status).toBe(400);
          expect((error as ApiError).body).toMatchObject({ error_code: 'invalid_bookmark' });
        },
      ),
    );
  });
});

describe('a bookmark D1 refuses (production only: local D1 accepts any)', () => {
  // The refusal itself cannot happen locally; what the service does with it goes through the real
  // error renderer the Worker uses.
  const app = () => {
    const a = new Hono();
    a.get('/q', () => {
      throw new Error('D1_ERROR: bookmark not valid for this database');
    });
    a.get('/other', () => {
      throw new Error('D1_ERROR: no such table: x');
    });
    a.onError((error, c) => renderError(c, error));
    return a;
  };

  it('answers 400 invalid_bookmark when the request sent one', async () => {
    const res = await app().request('/q', { headers: { [BOOKMARK]: FORMED_BOOKMARK } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(invalidBookmarkBody(FORMED_BOOKMARK, 'was refused by D1'));
  });

  it('stays a 500 without a bookmark, or for another D1 failure', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect((await app().request('/q')).status).toBe(500);
    expect((await app().request('/other', { headers: { [BOOKMARK]: FORMED_BOOKMARK } })).status).toBe(500);
    expect(isBookmarkRefusal('bookmark')).toBe(false);
  });
});
