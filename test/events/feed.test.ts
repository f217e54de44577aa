import { env } from 'cloudflare:test';
import { drizzle } from 'drizzle-orm/d1';
import { describe, expect, it } from 'vitest';
import { feedPageQuery } from '../../src/events/feed.repo';
import { isExpired } from '../../src/events/feed.service';
import { EVENT_TYPES, type EventType } from '../../src/events/types';
import { createCourse, createUser, uniqueCourseId } from '../helpers/fixtures';
import { call, dbQueries, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';

/**
 * The pull feed (docs/events.md#feed). Storage is shared by every test file of a run and others
 * write events concurrently, so each test reads from a cursor just before its own rows and scopes
 * the page by a unique course or username; `after=0` is never assumed to be valid (a purge, or the
 * expiry test below, makes it expire).
 */
const FEED = '/api/events/v1/changes';
const [CREATED, CHANGED, UNENROLLED, COHORT, PROGRAM, PROGRAM_COURSE, EMAIL] = EVENT_TYPES;

type Query = Record<string, string | number>;
const feed = (query: Query = {}, headers: Record<string, string> = apiKeyHeader) =>
  call(`${FEED}?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`, { headers });

interface Seed {
  type?: EventType;
  subject?: string;
  courseKey?: string | null;
  username?: string | null;
  data?: unknown;
  time?: number;
}
interface Seeded {
  seq: number;
  id: string;
  type: EventType;
  subject: string;
  time: number;
  data: unknown;
}

/**
 * Rows written straight into the log in one batch (so their `seq`s are consecutive), already marked
 * dispatched: no other file's webhook subscription ever receives them.
 */
async function seed(seeds: Seed[]): Promise<Seeded[]> {
  const insert = env.DB.prepare(
    `insert into events (type, subject, course_key, username, data, time, dispatched_at)
     values (?, ?, ?, ?, ?, ?, ?) returning seq, id`,
  );
  const rows = seeds.map((s, i) => {
    const courseKey = s.courseKey === undefined ? (s.subject ?? null) : s.courseKey;
    return {
      type: s.type ?? CREATED,
      subject: s.subject ?? courseKey ?? 'someone@example.com',
      courseKey,
      username: s.username ?? null,
      data: s.data ?? { n: i },
      // Now, not a fixed date: a retention purge elsewhere in the run must not take these rows.
      time: s.time ?? Date.now() + i,
    };
  });
  const results = await env.DB.batch(
    rows.map((r) => insert.bind(r.type, r.subject, r.courseKey, r.username, JSON.stringify(r.data), r.time, r.time)),
  );
  return results.map((result, i) => {
    const { seq, id } = result.results[0] as { seq: number; id: string };
    return { seq, id, ...(rows[i] as (typeof rows)[number]) };
  });
}

/** The cursor just before rows about to be written. */
const cursorBefore = (rows: Seeded[]) => (rows[0] as Seeded).seq - 1;

const seqs = (res: { body: { events: { seq: number }[] } }) => res.body.events.map((e) => e.seq);

/** Every event of a filtered feed from `after`, following `next_after` until `has_more` is false. */
async function readAll(query: Query, after: number) {
  const pages: { seqs: number[]; has_more: boolean; next_after: number; queries: number }[] = [];
  let cursor = after;
  for (let i = 0; i < 50; i++) {
    const res = await feed({ ...query, after: cursor });
    expect(res.status, res.text).toBe(200);
    pages.push({
      seqs: seqs(res),
      has_more: res.body.has_more,
      next_after: res.body.next_after,
      queries: dbQueries(res.headers),
    });
    cursor = res.body.next_after;
    if (!res.body.has_more) return { pages, events: pages.flatMap((p) => p.seqs) };
  }
  throw new Error('the feed never ended');
}

describe('expiry rule', () => {
  it('expires `after` exactly when an event after it is gone', () => {
    expect(isExpired(0, null)).toBe(false);
    expect(isExpired(0, 1)).toBe(false);
    expect(isExpired(0, 2)).toBe(true);
    expect(isExpired(41, 42)).toBe(false);
    expect(isExpired(40, 42)).toBe(true);
    // A cursor at or past the oldest event lost nothing.
    expect(isExpired(42, 42)).toBe(false);
    expect(isExpired(1000, 42)).toBe(false);
  });

  it('answers 410 with the oldest seq once events after `after` were purged', async (ctx) => {
    const course = uniqueCourseId('Gone');
    const [first, second, third] = await seed([{ subject: course }, { subject: course }, { subject: course }]);
    if (!first || !second || !third) throw new Error('seeding failed');
    const older = await env.DB.prepare('select count(*) as n from events where seq < ?')
      .bind(first.seq)
      .first<{ n: number }>();
    // Purging another file's events would break its tests: simulate a purge only where our rows
    // begin the log (this file alone, or storage isolated per file).
    if (older?.n !== 0) ctx.skip();
    await env.DB.prepare('delete from events where seq in (?, ?)').bind(first.seq, second.seq).run();
    try {
      const gone = await feed({ after: first.seq - 1, course_id: course });
      expect(gone.status).toBe(410);
      expect(gone.headers.get('Content-Type')).toBe('application/json');
      expect(dbQueries(gone.headers)).toBe(1);
      expect(gone.body).toEqual({
        error_code: 'events_expired',
        developer_message: expect.stringContaining('resynchronise'),
        oldest_seq: third.seq,
      });
      expect((await feed({ after: 0, course_id: course })).status).toBe(410);
      // Right before the oldest remaining event nothing was lost.
      const kept = await feed({ after: second.seq, course_id: course });
      expect(kept.status).toBe(200);
      expect(seqs(kept)).toEqual([third.seq]);
    } finally {
      // Put the rows back (same seq and id), so the log starts at the beginning again.
      const restore = env.DB.prepare(
        `insert into events (seq, id, type, subject, course_key, data, time, dispatched_at) values (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      await env.DB.batch(
        [first, second].map((e) =>
          restore.bind(e.seq, e.id, e.type, e.subject, course, JSON.stringify(e.data), e.time, e.time),
        ),
      );
    }
  });
});

describe('access: the API key or global staff', () => {
  it('answers 401 without (valid) credentials, before reading the query', async () => {
    for (const headers of [{}, { 'X-Edx-Api-Key': 'nope' }] as Record<string, string>[]) {
      const res = await feed({ after: -1, type: 'nope' }, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('WWW-Authenticate')).toBe('JWT realm="api"');
      expect(res.body).toEqual({
        error_code: 'not_authenticated',
        developer_message: 'Authentication credentials were not provided.',
      });
    }
  });

  const refused = [
    ['a learner', () => jwtHeader(unique('learner'))],
    [
      'a restricted application with the administrator claim',
      () => jwtHeader(unique('app'), { administrator: true, isRestricted: true, filters: ['content_org:FeedX'] }),
    ],
  ] as const;
  for (const [who, headers] of refused) {
    it(`answers 403 to ${who}, before reading the query`, async () => {
      const res = await feed({ after: -1 }, await headers());
      expect(res.status).toBe(403);
      expect(res.body).toEqual({
        error_code: 'forbidden',
        developer_message: 'You do not have permission to perform this action.',
      });
    });
  }

  it('serves the API key and a global-staff JWT', async () => {
    const course = uniqueCourseId('Access');
    const rows = await seed([{ subject: course }]);
    const query = { after: cursorBefore(rows), course_id: course };
    const staff = await feed(query, await jwtHeader(unique('gs'), { administrator: true }));
    expect(staff.status).toBe(200);
    expect(seqs(staff)).toEqual([rows[0]?.seq]);
    const key = await feed(query);
    expect(key.status).toBe(200);
    expect(key.body).toEqual(staff.body);
  });
});

describe('validation: 400 in the service shape, every bad parameter named', () => {
  const invalid = async (query: Query, field: string) => {
    const res = await feed(query);
    expect(res.status, `${JSON.stringify(query)}: ${res.text}`).toBe(400);
    expect(res.body.error_code).toBe('invalid_request');
    expect(res.body.developer_message).toBe(`Invalid fields: ${field}.`);
    expect(Object.keys(res.body.field_errors)).toEqual([field]);
    return res.body.field_errors[field].developer_message as string;
  };

  it('after: a whole number from 0', async () => {
    for (const after of ['-1', 'abc', '1.5', '1e3', ' 5', '0x10', '9007199254740992', '12345678901234567']) {
      await invalid({ after }, 'after');
    }
    expect(await invalid({ after: '-1' }, 'after')).toBe('A whole number.');
  });

  it('limit: a whole number from 1 to 1000', async () => {
    for (const limit of ['0', '1001', '-1', 'ten', '2.5']) await invalid({ after: 0, limit }, 'limit');
    expect(await invalid({ limit: '0' }, 'limit')).toBe('At least 1.');
    expect(await invalid({ limit: '1001' }, 'limit')).toBe('At most 1000.');
  });

  it('type: known types only, naming the unknown ones', async () => {
    const one = await invalid({ type: 'enrollment.created' }, 'type');
    expect(one).toContain('"enrollment.created"');
    const mixed = await invalid({ type: `${CREATED},nope,${CHANGED},also-nope` }, 'type');
    expect(mixed).toMatch(/^Unknown event type\(s\): "nope", "also-nope"\./);
    await invalid({ type: `${CREATED},` }, 'type');
    await invalid({ type: CREATED.toUpperCase() }, 'type');
  });

  it('course_id and username: well-formed', async () => {
    expect(await invalid({ course_id: 'not a course' }, 'course_id')).toBe('Not a valid course key.');
    expect(await invalid({ username: 'no spaces please' }, 'username')).toBe('Not a valid username.');
  });

  it('names every bad parameter at once', async () => {
    const res = await feed({ after: 'x', limit: 0, type: 'nope', course_id: 'nope', username: 'a b' });
    expect(res.status).toBe(400);
    expect(res.body.developer_message).toBe('Invalid fields: after, limit, type, course_id, username.');
    expect(Object.keys(res.body.field_errors).sort()).toEqual(['after', 'course_id', 'limit', 'type', 'username']);
  });

  it('treats empty parameters as absent', async () => {
    const course = uniqueCourseId('Empty');
    const rows = await seed([{ subject: course }, { subject: course }]);
    const res = await feed({ after: cursorBefore(rows), limit: '', type: '', username: '', course_id: course });
    expect(res.status).toBe(200);
    expect(seqs(res)).toEqual(rows.map((r) => r.seq));
  });
});

describe('paging', () => {
  it('follows next_after until has_more is false: exactly the events, in order, one query a page', async () => {
    const course = uniqueCourseId('Page');
    const rows = await seed(Array.from({ length: 7 }, () => ({ subject: course })));
    const { pages, events } = await readAll({ course_id: course, limit: 3 }, cursorBefore(rows));
    expect(events).toEqual(rows.map((r) => r.seq));
    expect(pages.map((p) => p.seqs.length)).toEqual([3, 3, 1]);
    expect(pages.map((p) => p.has_more)).toEqual([true, true, false]);
    expect(pages.map((p) => p.next_after)).toEqual([rows[2]?.seq, rows[5]?.seq, rows[6]?.seq]);
    expect(pages.every((p) => p.queries === 1)).toBe(true);
  });

  it('has_more is false when the page ends exactly at the last event; an empty page keeps the cursor', async () => {
    const course = uniqueCourseId('Exact');
    const rows = await seed(Array.from({ length: 6 }, () => ({ subject: course })));
    const { pages } = await readAll({ course_id: course, limit: 3 }, cursorBefore(rows));
    expect(pages.map((p) => [p.seqs.length, p.has_more])).toEqual([
      [3, true],
      [3, false],
    ]);
    const last = rows[5]?.seq as number;
    const empty = await feed({ course_id: course, after: last });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ events: [], next_after: last, has_more: false });
    expect(dbQueries(empty.headers)).toBe(1);
    // A cursor past the end of the log is no error either.
    const ahead = await feed({ course_id: course, after: last + 1_000_000 });
    expect(ahead.body).toEqual({ events: [], next_after: last + 1_000_000, has_more: false });
  });

  it('has_more counts only matching events', async () => {
    const course = uniqueCourseId('Match');
    const rows = await seed([{ subject: course }, { subject: uniqueCourseId('Other') }]);
    const res = await feed({ course_id: course, after: cursorBefore(rows), limit: 1 });
    expect(res.body).toMatchObject({ next_after: rows[0]?.seq, has_more: false });
  });

  it('limit defaults to 100 and goes up to 1000; after defaults to 0', async () => {
    const course = uniqueCourseId('Limit');
    const rows = await seed(Array.from({ length: 101 }, () => ({ subject: course })));
    const first = await feed({ course_id: course, after: cursorBefore(rows) });
    expect(seqs(first)).toEqual(rows.slice(0, 100).map((r) => r.seq));
    expect(first.body.has_more).toBe(true);
    const all = await feed({ course_id: course, after: cursorBefore(rows), limit: 1000 });
    expect(seqs(all)).toEqual(rows.map((r) => r.seq));
    expect(all.body.has_more).toBe(false);
    expect(dbQueries(all.headers)).toBe(1);
    // From the start of the log, unless a purge elsewhere in the run has made that expire.
    const oldest = await env.DB.prepare('select min(seq) as s from events').first<{ s: number }>();
    const fromStart = await feed({ course_id: course, limit: 1000 });
    if (fromStart.status === 410) expect(oldest?.s).toBeGreaterThan(1);
    else expect(seqs(fromStart)).toEqual(rows.map((r) => r.seq));
  });
});

describe('filters', () => {
  async function world() {
    const course = uniqueCourseId('Filter');
    const other = uniqueCourseId('Filter');
    const alice = unique('alice');
    const bob = unique('bob');
    const program = crypto.randomUUID();
    const rows = await seed([
      { type: CREATED, subject: course, username: alice },
      { type: CREATED, subject: other, username: alice },
      { type: CHANGED, subject: course, username: bob },
      { type: UNENROLLED, subject: course, username: bob },
      { type: COHORT, subject: course, username: alice },
      // Program-course events are about a program (subject) and a course run (course_key).
      { type: PROGRAM_COURSE, subject: program, courseKey: course, username: alice },
      { type: PROGRAM, subject: program, courseKey: null, username: alice },
      { type: EMAIL, subject: `${alice}@example.com`, courseKey: null, username: null, data: { course_id: course } },
    ]);
    const seqOf = (...indexes: number[]) => indexes.map((i) => rows[i]?.seq);
    return { course, other, alice, bob, program, after: cursorBefore(rows), seqOf };
  }

  it('course_id: the course run’s course, cohort and program-course events', async () => {
    const w = await world();
    expect(seqs(await feed({ after: w.after, course_id: w.course }))).toEqual(w.seqOf(0, 2, 3, 4, 5));
    expect(seqs(await feed({ after: w.after, course_id: w.other }))).toEqual(w.seqOf(1));
  });

  it('username: every event about the learner', async () => {
    const w = await world();
    const res = await feed({ after: w.after, username: w.alice });
    expect(seqs(res)).toEqual(w.seqOf(0, 1, 4, 5, 6));
    expect(dbQueries(res.headers)).toBe(1);
    expect(seqs(await feed({ after: w.after, username: w.bob }))).toEqual(w.seqOf(2, 3));
  });

  it('type: one or several (duplicates harmless), combined with the other filters', async () => {
    const w = await world();
    const scoped = { after: w.after, course_id: w.course };
    expect(seqs(await feed({ ...scoped, type: CHANGED }))).toEqual(w.seqOf(2));
    expect(seqs(await feed({ ...scoped, type: `${UNENROLLED},${CREATED},${UNENROLLED}` }))).toEqual(w.seqOf(0, 3));
    const all = await feed({ after: w.after, username: w.alice, type: `${PROGRAM},${EMAIL},${PROGRAM_COURSE}` });
    expect(seqs(all)).toEqual(w.seqOf(5, 6));
    expect(dbQueries(all.headers)).toBe(1);
    const every = await feed({ ...scoped, username: w.bob, type: `${CREATED},${CHANGED}`, limit: 1 });
    expect(every.body).toMatchObject({ next_after: w.seqOf(2)[0], has_more: false });
    expect(seqs(every)).toEqual(w.seqOf(2));
  });

  it('a legacy course id is a course_id too', async () => {
    const course = `FeedOrg/${unique('C')}/2020`;
    const rows = await seed([{ subject: course }]);
    expect(seqs(await feed({ after: cursorBefore(rows), course_id: course }))).toEqual([rows[0]?.seq]);
  });

  it('each filter is served by its index', async () => {
    const db = drizzle(env.DB);
    const cases = [
      [{ courseKey: 'course-v1:a+b+c' }, 'USING INDEX events_course_seq_idx (course_key=? AND seq>?)'],
      [{ username: 'alice' }, 'USING INDEX events_username_seq_idx (username=? AND seq>?)'],
      [{ types: [CREATED] }, 'USING INDEX events_type_seq_idx (type=? AND seq>?)'],
      [{ types: [CREATED, CHANGED] }, 'USING INDEX events_type_seq_idx (type=? AND seq>?)'],
      [{}, 'USING INTEGER PRIMARY KEY (rowid>?)'],
    ] as const;
    for (const [filter, expected] of cases) {
      const { sql, params } = feedPageQuery(db, { after: 5, rows: 11, ...filter }).toSQL();
      const plan = await env.DB.prepare(`explain query plan ${sql}`)
        .bind(...params)
        .all<{ detail: string }>();
      const details = plan.results.map((r) => r.detail);
      expect(details, JSON.stringify(filter)).toContain(`SEARCH events ${expected}`);
      // The log's oldest seq is a b-tree probe, never a scan of the log.
      expect(details.some((d) => d.startsWith('SCAN events'))).toBe(false);
    }
  });
});

describe('the envelope (CloudEvents 1.0)', () => {
  it('carries every attribute, the source, the commit time in ISO and the parsed data', async () => {
    const course = uniqueCourseId('Env');
    const data = { user: { id: 7, pii: { username: 'zoe' } }, mode: 'verified', is_active: true, previous: null };
    const time = Math.floor(Date.now() / 1000) * 1000 + 220;
    const rows = await seed([{ type: CHANGED, subject: course, username: 'zoe', data, time }]);
    const res = await feed({ after: cursorBefore(rows), course_id: course });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.body).toEqual({
      events: [
        {
          specversion: '1.0',
          id: rows[0]?.id,
          seq: rows[0]?.seq,
          source: 'http://localhost:18000',
          type: CHANGED,
          subject: course,
          time: new Date(time).toISOString(),
          datacontenttype: 'application/json',
          data,
        },
      ],
      next_after: rows[0]?.seq,
      has_more: false,
    });
    expect(res.body.events[0].time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.220Z$/);
    expect(res.body.events[0].id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('is documented in /openapi.json with its answers', async () => {
    const doc = await call('/openapi.json');
    const operation = doc.body.paths['/api/events/v1/changes'].get;
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '410']));
    const query = operation.parameters.filter((p: { in?: string }) => p.in === 'query');
    expect(query.map((p: { name: string }) => p.name).sort()).toEqual([
      'after',
      'course_id',
      'limit',
      'type',
      'username',
    ]);
    expect(doc.body.components.schemas.EventEnvelope).toBeDefined();
  });
});

describe('end to end', () => {
  it('an enrollment and its deactivation appear in the feed of their course, in order', async () => {
    const user = await createUser();
    const course = await createCourse();
    const end = await env.DB.prepare('select coalesce(max(seq), 0) as s from events').first<{ s: number }>();
    const after = end?.s ?? 0;
    const enroll = (json: unknown, headers: Record<string, string>) =>
      call('/api/enrollment/v1/enrollment', { method: 'POST', json, headers });
    const created = await enroll({ course_details: { course_id: course.id } }, await jwtHeader(user.username));
    expect(created.status, created.text).toBe(200);
    const ended = await enroll(
      { user: user.username, course_details: { course_id: course.id }, is_active: false },
      apiKeyHeader,
    );
    expect(ended.status, ended.text).toBe(200);

    const res = await feed({ after, course_id: course.id });
    expect(res.status).toBe(200);
    expect(res.body.events.map((e: { type: string }) => e.type)).toEqual([CREATED, CHANGED, UNENROLLED]);
    const [first, second] = res.body.events;
    expect(first).toMatchObject({ specversion: '1.0', subject: course.id, source: 'http://localhost:18000' });
    expect(first.data).toMatchObject({
      user: { id: user.id, pii: { username: user.username, email: user.email } },
      course: { course_key: course.id, display_name: course.courseName },
      mode: 'audit',
      is_active: true,
      previous: null,
      origin: 'enrollment_api',
    });
    expect(second.data).toMatchObject({ is_active: false, previous: { mode: 'audit', is_active: true } });
    expect(Date.parse(first.time)).toBeGreaterThan(Date.now() - 60_000);
    expect(seqs(await feed({ after, username: user.username, type: UNENROLLED }))).toEqual([res.body.events[2].seq]);
  });
});
