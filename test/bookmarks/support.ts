import { env } from 'cloudflare:test';
import { vi } from 'vitest';

/** docs/api/read-your-writes.md: the header a client reads and sends back. */
export const BOOKMARK = 'x-d1-bookmark';

/** D1's bookmark form (8-8-8-32 lowercase hex), as the docs describe it. */
export const BOOKMARK_FORM = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;

/** A well-formed bookmark no database handed out (local D1 accepts any). */
export const FORMED_BOOKMARK = '00000000-00000001-00000000-00000000000000000000000000000000';

/**
 * Watches the sessions the Worker opens: SELF runs in this isolate with this very `env`, so the
 * spy sees the Worker's `withSession` calls and still opens the real local D1 session.
 */
export function watchSessions() {
  return vi.spyOn(env.DB, 'withSession');
}

/** What each session was opened with, in order. */
export const sessionStarts = (spy: ReturnType<typeof watchSessions>) => spy.mock.calls.map((args) => args[0]);

/** The expected 400 for a bookmark that is not D1's. */
export const invalidBookmarkBody = (value: string, why = 'is not a D1 bookmark') => ({
  error_code: 'invalid_bookmark',
  developer_message: `x-d1-bookmark "${value}" ${why}.`,
  field_errors: {
    'x-d1-bookmark': {
      developer_message: 'Send back a bookmark exactly as a previous response returned it, or no header.',
    },
  },
});
