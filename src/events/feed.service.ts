import type { Deps } from '../context';
import { echo } from '../lib/echo';
import { ApiError } from '../lib/errors';
import { envelopeJson } from './envelope';
import { readFeedPage } from './feed.repo';
import type { ChangesQuery } from './feed.schemas';

// The pull feed (docs/events.md#feed): one page of the log after a cursor, in one D1 round trip.

/**
 * Some event after `after` was purged: `seq` has no gaps but purges, and a purge never removes the
 * newest event, so the log still starting right after `after` is the only way nothing was lost.
 */
export const isExpired = (after: number, oldest: number | null) => oldest !== null && after + 1 < oldest;

/** The answer `{"events": [...], "next_after", "has_more"}` as JSON text (envelope.ts says why text). */
export async function readChanges(deps: Deps, query: ChangesQuery): Promise<string> {
  const page = await readFeedPage(deps.db, {
    after: query.after,
    rows: query.limit + 1,
    types: query.type,
    courseKey: query.course_id,
    username: query.username,
  });
  if (page.oldest !== null && isExpired(query.after, page.oldest)) {
    throw new ApiError(410, {
      error_code: 'events_expired',
      developer_message: `Events after ${echo(query.after)} are past retention and were purged: resynchronise from the lists, then read the feed after ${page.oldest - 1}.`,
      oldest_seq: page.oldest,
    });
  }
  const returned = page.events.slice(0, query.limit);
  const events = returned.map((event) => envelopeJson(event, deps.config.EVENTS_SOURCE)).join(',');
  const nextAfter = returned.at(-1)?.seq ?? query.after;
  return `{"events":[${events}],"next_after":${nextAfter},"has_more":${page.events.length > query.limit}}`;
}
