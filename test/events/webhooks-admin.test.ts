import { env } from 'cloudflare:test';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config';
import type { Deps } from '../../src/context';
import { createDb, newDbMetrics } from '../../src/db/client';
import { isWebhookSecret } from '../../src/events/signature';
import { replayDeliveries } from '../../src/events/subscriptions.repo';
import {
  REPLAY_LIMIT,
  SECRET_PATTERN,
  SubscriptionBody,
  URL_PATTERN,
  urlProblem,
} from '../../src/events/webhooks.schemas';
import { putSubscription } from '../../src/events/webhooks.service';
import { call, dbQueries, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';

// Storage is shared with every other test file of the run, running at the same time: names are
// unique, subscriptions whose deliveries are counted are disabled (the dispatcher fans events out to
// enabled ones only), and events inserted here are marked dispatched so they reach no one else's.

const HOOKS = '/api/admin/v1/webhooks';
const CREATED = 'org.openedx.learning.course.enrollment.created.v1';
const CHANGED = 'org.openedx.learning.course.enrollment.changed.v1';
const EMAIL = 'edge.notification.email.v1';
const SECRET = `whsec_${btoa('s'.repeat(32))}`;
const OTHER_SECRET = `whsec_${btoa('o'.repeat(48))}`;
const SECRET_SHAPE = /^whsec_[A-Za-z0-9+/]+={0,2}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$/;

const receiver = (name: string) => `https://${name}.receiver.invalid/hook`;
/** Every subscription this file created: deleted at the end, so they stop getting other files' events. */
const createdHere = new Set<string>();
async function put(name: string, json: unknown, headers: Record<string, string> = apiKeyHeader) {
  const res = await call(`${HOOKS}/${name}`, { method: 'PUT', headers, json });
  if (res.status === 201) createdHere.add(name);
  return res;
}
const get = (path: string) => call(`${HOOKS}${path}`, { headers: apiKeyHeader });
const replay = (name: string, json: unknown) =>
  call(`${HOOKS}/${name}/replay`, { method: 'POST', headers: apiKeyHeader, json });

async function subscribe(body: Record<string, unknown> = {}) {
  const name = unique('wh');
  const res = await put(name, { url: receiver(name), event_types: ['*'], enabled: false, ...body });
  expect(res.status, res.text).toBe(201);
  return name;
}

const stored = (name: string) =>
  env.DB.prepare('select secret, from_seq, event_types, enabled from webhook_subscriptions where name = ?')
    .bind(name)
    .first<{ secret: string; from_seq: number; event_types: string; enabled: number }>();

/** An event row as the triggers write them, already dispatched (see the note at the top). */
async function insertEvent(type = CREATED) {
  const row = await env.DB.prepare(
    "insert into events (type, subject, data, dispatched_at) values (?, ?, '{}', 0) returning seq, id",
  )
    .bind(type, unique('webhooks-admin-'))
    .first<{ seq: number; id: string }>();
  if (!row) throw new Error('no event inserted');
  return row;
}

interface DeliveryRow {
  seq: number;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: number | null;
  delivered_at: number | null;
  created_at: number;
}

async function insertDelivery(name: string, seq: number, fields: Partial<DeliveryRow> = {}) {
  const row = { status: 'pending', attempts: 0, last_status_code: null, last_error: null, ...fields };
  await env.DB.prepare(
    `insert into webhook_deliveries (subscription_name, seq, status, attempts, last_status_code, last_error,
      next_attempt_at, delivered_at, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
    .bind(
      name,
      seq,
      row.status,
      row.attempts,
      row.last_status_code,
      row.last_error,
      fields.next_attempt_at ?? null,
      fields.delivered_at ?? null,
      fields.created_at ?? 1_000,
    )
    .run();
}

const deliveriesOf = async (name: string) =>
  (
    await env.DB.prepare('select * from webhook_deliveries where subscription_name = ? order by seq')
      .bind(name)
      .all<DeliveryRow>()
  ).results;

afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  await env.DB.prepare('delete from webhook_subscriptions where name in (select value from json_each(?))')
    .bind(JSON.stringify([...createdHere]))
    .run();
});

describe('PUT /webhooks/{name}', () => {
  it('creates (201) with a generated secret, answered once; GET and the list never show it', async () => {
    const name = unique('wh');
    const created = await put(name, { url: receiver(name), event_types: ['*'] });
    expect(created.status).toBe(201);
    expect(dbQueries(created.headers)).toBe(1);
    expect(created.body).toEqual({
      name,
      url: receiver(name),
      event_types: ['*'],
      enabled: true,
      created: expect.stringMatching(ISO),
      updated: created.body.created,
      secret: expect.stringMatching(SECRET_SHAPE),
    });
    expect(isWebhookSecret(created.body.secret)).toBe(true);
    expect((await stored(name))?.secret).toBe(created.body.secret);

    const read = await get(`/${name}`);
    expect(read.status).toBe(200);
    expect(dbQueries(read.headers)).toBe(1);
    const { secret: _secret, ...withoutSecret } = created.body;
    expect(read.body).toEqual(withoutSecret);

    const list = await get('');
    expect(list.status).toBe(200);
    expect(dbQueries(list.headers)).toBe(1);
    expect(list.body.results).toContainEqual(withoutSecret);
    for (const item of list.body.results) expect(item).not.toHaveProperty('secret');
    const names = list.body.results.map((s: { name: string }) => s.name);
    expect(names).toEqual([...names].sort());
  });

  it('replaces (200) without a secret: the stored one stays and is not answered', async () => {
    const name = unique('wh');
    const first = await put(name, { url: receiver(name), event_types: ['*'] });
    const replaced = await put(name, { url: `${receiver(name)}/v2`, event_types: [EMAIL, CREATED], enabled: false });
    expect(replaced.status).toBe(200);
    expect(dbQueries(replaced.headers)).toBe(1);
    expect(replaced.body).toEqual({
      name,
      url: `${receiver(name)}/v2`,
      event_types: [EMAIL, CREATED],
      enabled: false,
      created: first.body.created,
      updated: expect.stringMatching(ISO),
    });
    expect(Date.parse(replaced.body.updated)).toBeGreaterThanOrEqual(Date.parse(first.body.created));
    expect(await stored(name)).toMatchObject({ secret: first.body.secret, enabled: 0 });
    expect((await get(`/${name}`)).body).toEqual(replaced.body);
  });

  it('answers a given secret on creation and on replacement, and stores it', async () => {
    const name = unique('wh');
    const created = await put(name, { url: receiver(name), event_types: ['*'], secret: SECRET });
    expect(created.status).toBe(201);
    expect(created.body.secret).toBe(SECRET);
    const replaced = await put(name, { url: receiver(name), event_types: ['*'], secret: OTHER_SECRET });
    expect(replaced.status).toBe(200);
    expect(replaced.body.secret).toBe(OTHER_SECRET);
    expect((await stored(name))?.secret).toBe(OTHER_SECRET);
    expect((await get(`/${name}`)).body).not.toHaveProperty('secret');
  });

  it('stores a repeated event type once', async () => {
    const name = await subscribe({ event_types: [CHANGED, EMAIL, CHANGED] });
    expect((await get(`/${name}`)).body.event_types).toEqual([CHANGED, EMAIL]);
    expect(JSON.parse((await stored(name))?.event_types ?? '')).toEqual([CHANGED, EMAIL]);
    expect((await put(name, { url: receiver(name), event_types: ['*', '*'] })).body.event_types).toEqual(['*']);
  });

  it('accepts global staff; refuses learners (403) and anonymous callers (401) before reading the body', async () => {
    const name = unique('wh');
    const anonymous = await call(`${HOOKS}/${name}`, { method: 'PUT', json: {} });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error_code).toBe('not_authenticated');
    const learner = await put(name, {}, await jwtHeader(unique('learner')));
    expect(learner.status).toBe(403);
    expect(learner.body.error_code).toBe('forbidden');
    const staff = await put(
      name,
      { url: receiver(name), event_types: ['*'], enabled: false },
      await jwtHeader(unique('staff'), { administrator: true }),
    );
    expect(staff.status).toBe(201);
  });

  it('accepts http:// only when WEBHOOK_ALLOW_HTTP is true', async () => {
    expect(loadConfig(env).WEBHOOK_ALLOW_HTTP, 'the test worker runs with the default').toBe(false);
    const name = unique('wh');
    const refused = await put(name, { url: 'http://127.0.0.1:8787/hook', event_types: ['*'] });
    expect(refused.status).toBe(400);
    expect(refused.body.field_errors).toEqual({ url: { developer_message: expect.stringContaining('https://') } });
    expect((await get(`/${name}`)).status).toBe(404);
    // The service with the variable on (SELF's configuration is fixed for the run).
    const deps = (allowHttp: boolean) =>
      ({
        db: createDb(env.DB, newDbMetrics()),
        config: { ...loadConfig(env), WEBHOOK_ALLOW_HTTP: allowHttp },
        now: () => Date.now(),
        background: () => undefined,
      }) as unknown as Deps;
    const body = SubscriptionBody.parse({ url: 'http://127.0.0.1:8787/hook', event_types: ['*'], enabled: false });
    await expect(putSubscription(deps(false), name, body)).rejects.toMatchObject({ status: 400 });
    const { created, subscription } = await putSubscription(deps(true), name, body);
    createdHere.add(name);
    expect(created).toBe(true);
    expect(subscription.url).toBe('http://127.0.0.1:8787/hook');
  });
});

describe('PUT /webhooks/{name}: every bad field is a 400 naming it, and nothing is written', () => {
  const valid = { url: 'https://crm.example.com/hook', event_types: ['*'] };
  const cases: [string, string, unknown, string][] = [
    ['name upper-case', 'Bad', valid, 'name'],
    ['name too long', 'a'.repeat(65), valid, 'name'],
    ['name with a dot', 'a.b', valid, 'name'],
    ['url missing', '', { event_types: ['*'] }, 'url'],
    ['url not a string', '', { ...valid, url: 5 }, 'url'],
    ['url relative', '', { ...valid, url: '/hook' }, 'url'],
    ['url scheme-relative', '', { ...valid, url: '//crm.example.com/hook' }, 'url'],
    ['url without slashes', '', { ...valid, url: 'https:crm.example.com' }, 'url'],
    ['url ftp', '', { ...valid, url: 'ftp://crm.example.com/hook' }, 'url'],
    ['url with spaces', '', { ...valid, url: ' https://crm.example.com/hook' }, 'url'],
    ['url unparsable', '', { ...valid, url: 'https://exa mple.com/' }, 'url'],
    ['url bad port', '', { ...valid, url: 'https://crm.example.com:99999/' }, 'url'],
    ['url user-info', '', { ...valid, url: 'https://user:pw@crm.example.com/hook' }, 'url'],
    ['url empty user-info', '', { ...valid, url: 'https://@crm.example.com/hook' }, 'url'],
    ['url over 2048', '', { ...valid, url: `https://crm.example.com/${'a'.repeat(2025)}` }, 'url'],
    ['url http', '', { ...valid, url: 'http://crm.example.com/hook' }, 'url'],
    ['event_types missing', '', { url: valid.url }, 'event_types'],
    ['event_types empty', '', { ...valid, event_types: [] }, 'event_types'],
    ['event_types not a list', '', { ...valid, event_types: '*' }, 'event_types'],
    ['event_types "*" with a type', '', { ...valid, event_types: ['*', CREATED] }, 'event_types'],
    ['event_types unknown type', '', { ...valid, event_types: [CREATED, 'org.example.nope.v1'] }, 'event_types.1'],
    ['event_types not strings', '', { ...valid, event_types: [1] }, 'event_types.0'],
    ['enabled not a boolean', '', { ...valid, enabled: 'yes' }, 'enabled'],
    ['secret without prefix', '', { ...valid, secret: btoa('k'.repeat(32)) }, 'secret'],
    ['secret not base64', '', { ...valid, secret: 'whsec_!!!!' }, 'secret'],
    ['secret of 23 bytes', '', { ...valid, secret: `whsec_${btoa('k'.repeat(23))}` }, 'secret'],
    ['secret of 65 bytes', '', { ...valid, secret: `whsec_${btoa('k'.repeat(65))}` }, 'secret'],
    ['secret null', '', { ...valid, secret: null }, 'secret'],
  ];
  it.each(cases)('%s', async (_case, givenName, body, field) => {
    const name = givenName || unique('wh');
    const res = await put(name, body);
    expect(res.status, res.text).toBe(400);
    expect(res.body.error_code).toBe('invalid_request');
    expect(Object.keys(res.body.field_errors)).toEqual([field]);
    if (/^[a-z0-9_-]{1,64}$/.test(name)) expect((await get(`/${name}`)).status).toBe(404);
  });

  it('names every bad field at once; refuses a body that is not a JSON object', async () => {
    const res = await put('Bad', { url: 'ftp://x', event_types: [], secret: 'x' });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.field_errors).sort()).toEqual(['event_types', 'name', 'secret', 'url']);
    expect((await put(unique('wh'), [])).body.developer_message).toBe('Request body must be a JSON object.');
    const invalid = await call(`${HOOKS}/${unique('wh')}`, {
      method: 'PUT',
      headers: { ...apiKeyHeader, 'Content-Type': 'application/json' },
      body: '{',
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error_code).toBe('invalid_json');
  });

  it('documents patterns whose every string the validation accepts', () => {
    const urls = fc.stringMatching(new RegExp(URL_PATTERN, 'u')).filter((s) => s.length <= 2048);
    fc.assert(
      fc.property(urls, (url) => urlProblem(url) === null),
      { numRuns: 300, seed: 42 },
    );
    fc.assert(fc.property(fc.stringMatching(new RegExp(SECRET_PATTERN)), isWebhookSecret), { numRuns: 300, seed: 42 });
    for (const bytes of [23, 24, 25, 26, 63, 64, 65]) {
      const secret = `whsec_${btoa('k'.repeat(bytes))}`;
      expect(new RegExp(SECRET_PATTERN).test(secret), `${bytes} bytes`).toBe(isWebhookSecret(secret));
    }
    expect(urlProblem('https://[::1]:8443/hook')).toBeNull();
    expect(urlProblem('https://bücher.example/hook')).toBeNull();
  });
});

describe('from_seq: what a subscription receives without replay', () => {
  it('is the log end when created and when enabled again, unchanged otherwise', async () => {
    const before = await insertEvent();
    const name = unique('wh');
    expect((await put(name, { url: receiver(name), event_types: ['*'] })).status).toBe(201);
    const atCreation = (await stored(name))?.from_seq ?? -1;
    expect(atCreation).toBeGreaterThanOrEqual(before.seq);
    const after = await insertEvent();
    expect(after.seq).toBeGreaterThan(atCreation);

    await put(name, { url: receiver(name), event_types: [CREATED] });
    expect((await stored(name))?.from_seq).toBe(atCreation);
    await put(name, { url: receiver(name), event_types: ['*'], enabled: false });
    expect((await stored(name))?.from_seq).toBe(atCreation);

    const whileDisabled = await insertEvent();
    await put(name, { url: receiver(name), event_types: ['*'], enabled: true });
    const atEnabling = (await stored(name))?.from_seq ?? -1;
    expect(atEnabling).toBeGreaterThanOrEqual(whileDisabled.seq);
    await insertEvent();
    await put(name, { url: receiver(name), event_types: ['*'], enabled: true });
    expect((await stored(name))?.from_seq).toBe(atEnabling);
  });

  it('is the log end for a subscription created disabled', async () => {
    const before = await insertEvent();
    const name = await subscribe({ enabled: false });
    expect((await stored(name))?.from_seq).toBeGreaterThanOrEqual(before.seq);
  });
});

describe('unknown subscriptions: 404 in the service shape', () => {
  it.each([
    ['GET', ''],
    ['DELETE', ''],
    ['GET', '/deliveries'],
    ['POST', '/replay'],
  ])('%s /webhooks/{name}%s', async (method, suffix) => {
    const name = unique('none');
    const res = await call(`${HOOKS}/${name}${suffix}`, {
      method,
      headers: apiKeyHeader,
      json: method === 'POST' ? { after_seq: 0 } : undefined,
    });
    expect(res.status).toBe(404);
    expect(dbQueries(res.headers)).toBe(1);
    expect(res.body).toEqual({
      error_code: 'subscription_not_found',
      developer_message: `No webhook subscription named "${name}".`,
    });
  });

  it.each([
    ['GET', ''],
    ['DELETE', ''],
    ['GET', '/deliveries'],
    ['POST', '/replay'],
  ])(
    '%s /webhooks/{name}%s refuses a bad name (400), learners (403), anonymous callers (401)',
    async (method, suffix) => {
      const json = method === 'POST' ? { after_seq: 0 } : undefined;
      const bad = await call(`${HOOKS}/Bad${suffix}`, { method, headers: apiKeyHeader, json });
      expect(bad.status).toBe(400);
      expect(Object.keys(bad.body.field_errors)).toEqual(['name']);
      const learner = await call(`${HOOKS}/x${suffix}`, { method, headers: await jwtHeader(unique('l')), json });
      expect(learner.status).toBe(403);
      expect((await call(`${HOOKS}/x${suffix}`, { method, json })).status).toBe(401);
    },
  );

  it('GET /webhooks refuses learners and anonymous callers', async () => {
    expect((await call(HOOKS, { headers: await jwtHeader(unique('l')) })).status).toBe(403);
    expect((await call(HOOKS)).status).toBe(401);
  });
});

describe('DELETE /webhooks/{name}', () => {
  it('answers 204 and drops the subscription with all its deliveries', async () => {
    const name = await subscribe();
    const [a, b] = [await insertEvent(), await insertEvent()];
    await insertDelivery(name, a.seq);
    await insertDelivery(name, b.seq, { status: 'succeeded', attempts: 1, delivered_at: 2_000 });
    expect(await deliveriesOf(name)).toHaveLength(2);
    const res = await call(`${HOOKS}/${name}`, { method: 'DELETE', headers: apiKeyHeader });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(dbQueries(res.headers)).toBe(1);
    expect(await deliveriesOf(name)).toEqual([]);
    expect(await stored(name)).toBeNull();
    expect((await get(`/${name}`)).status).toBe(404);
    expect((await call(`${HOOKS}/${name}`, { method: 'DELETE', headers: apiKeyHeader })).status).toBe(404);
  });
});

describe('GET /webhooks/{name}/deliveries', () => {
  async function seeded() {
    const name = await subscribe();
    const events = [await insertEvent(CREATED), await insertEvent(CHANGED), await insertEvent(EMAIL)];
    const [a, b, c] = events as [(typeof events)[0], (typeof events)[0], (typeof events)[0]];
    await insertDelivery(name, a.seq, {
      status: 'succeeded',
      attempts: 2,
      last_status_code: 204,
      delivered_at: Date.UTC(2026, 11, 1, 20, 11, 50, 220),
    });
    await insertDelivery(name, b.seq, {
      status: 'failed',
      attempts: 8,
      last_status_code: 500,
      last_error: 'receiver answered 500',
    });
    await insertDelivery(name, c.seq, { next_attempt_at: Date.UTC(2026, 11, 1, 20, 12, 0) });
    return { name, a, b, c };
  }

  it('lists them newest first with the event id and type, in one query', async () => {
    const { name, a, b, c } = await seeded();
    const res = await get(`/${name}/deliveries`);
    expect(res.status).toBe(200);
    expect(dbQueries(res.headers)).toBe(1);
    expect(res.body.results).toEqual([
      {
        event_id: c.id,
        seq: c.seq,
        type: EMAIL,
        status: 'pending',
        attempts: 0,
        last_status_code: null,
        last_error: null,
        next_attempt_at: '2026-12-01T20:12:00Z',
        delivered_at: null,
      },
      {
        event_id: b.id,
        seq: b.seq,
        type: CHANGED,
        status: 'failed',
        attempts: 8,
        last_status_code: 500,
        last_error: 'receiver answered 500',
        next_attempt_at: null,
        delivered_at: null,
      },
      {
        event_id: a.id,
        seq: a.seq,
        type: CREATED,
        status: 'succeeded',
        attempts: 2,
        last_status_code: 204,
        last_error: null,
        next_attempt_at: null,
        delivered_at: '2026-12-01T20:11:50.220000Z',
      },
    ]);
  });

  it('filters by status and stops at limit', async () => {
    const { name, a, b, c } = await seeded();
    const failed = await get(`/${name}/deliveries?status=failed`);
    expect(failed.body.results.map((d: { seq: number }) => d.seq)).toEqual([b.seq]);
    expect(dbQueries(failed.headers)).toBe(1);
    expect((await get(`/${name}/deliveries?status=succeeded`)).body.results.map((d: { seq: number }) => d.seq)).toEqual(
      [a.seq],
    );
    const limited = await get(`/${name}/deliveries?limit=2`);
    expect(limited.body.results.map((d: { seq: number }) => d.seq)).toEqual([c.seq, b.seq]);
    expect((await get(`/${name}/deliveries?status=&limit=`)).body.results).toHaveLength(3);
    const empty = await subscribe();
    const none = await get(`/${empty}/deliveries`);
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ results: [] });
    expect((await get(`/${empty}/deliveries?status=pending`)).body).toEqual({ results: [] });
    expect((await get(`/${name}/deliveries?status=pending&limit=1000`)).body.results).toHaveLength(1);
  });

  it.each([
    ['status=done', 'status'],
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=1.5', 'limit'],
    ['limit=ten', 'limit'],
  ])('refuses ?%s (400 naming %s)', async (query, field) => {
    const name = await subscribe();
    const res = await get(`/${name}/deliveries?${query}`);
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.field_errors)).toEqual([field]);
  });

  it('defaults to 100 deliveries', async () => {
    const name = await subscribe();
    const events = await env.DB.prepare(
      `with recursive n(i) as (select 1 union all select i + 1 from n where i < 101)
       insert into events (type, subject, data, dispatched_at) select ?, 'webhooks-admin-bulk', '{}', 0 from n
       returning seq`,
    )
      .bind(EMAIL)
      .all<{ seq: number }>();
    await env.DB.prepare(
      `insert into webhook_deliveries (subscription_name, seq, status, attempts, created_at)
       select ?, value, 'pending', 0, 0 from json_each(?)`,
    )
      .bind(name, JSON.stringify(events.results.map((e) => e.seq)))
      .run();
    const res = await get(`/${name}/deliveries`);
    expect(res.body.results).toHaveLength(100);
    const highest = Math.max(...events.results.map((e) => e.seq));
    expect(res.body.results[0].seq).toBe(highest);
  });
});

describe('POST /webhooks/{name}/replay', () => {
  it('queues the given events that match the types, as fresh pending deliveries, in one round trip', async () => {
    const [a, b, c] = [await insertEvent(CREATED), await insertEvent(CHANGED), await insertEvent(CREATED)];
    const name = await subscribe({ event_types: [CREATED] });
    const unknown = '00000000-0000-4000-8000-000000000000';
    const res = await replay(name, { event_ids: [a.id, b.id, c.id, unknown, a.id.toUpperCase()] });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ queued: 2 });
    expect(dbQueries(res.headers)).toBe(1);
    const rows = await deliveriesOf(name);
    expect(rows.map((d) => d.seq)).toEqual([a.seq, c.seq]);
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'pending', attempts: 0, last_status_code: null, last_error: null });
      expect(row.delivered_at).toBeNull();
      expect(row.next_attempt_at).toBeGreaterThan(Date.now() - 60_000);
    }
  });

  it('re-delivers succeeded and failed deliveries from scratch, keeping when they were created', async () => {
    const [a, b] = [await insertEvent(EMAIL), await insertEvent(EMAIL)];
    const name = await subscribe();
    await insertDelivery(name, a.seq, { status: 'succeeded', attempts: 3, last_status_code: 200, delivered_at: 5 });
    await insertDelivery(name, b.seq, { status: 'failed', attempts: 8, last_status_code: 503, last_error: 'down' });
    const res = await replay(name, { event_ids: [a.id, b.id] });
    expect(res.body).toEqual({ queued: 2 });
    const rows = await deliveriesOf(name);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({
        status: 'pending',
        attempts: 0,
        last_status_code: null,
        last_error: null,
        delivered_at: null,
        created_at: 1_000,
      });
      expect(row.next_attempt_at).not.toBeNull();
    }
  });

  it('after_seq: the matching events after it, ascending; "*" matches every type', async () => {
    const a = await insertEvent(CREATED);
    const b = await insertEvent(CHANGED);
    const c = await insertEvent(CREATED);
    const typed = await subscribe({ event_types: [CREATED] });
    const res = await replay(typed, { after_seq: a.seq - 1 });
    expect(res.status).toBe(202);
    expect(dbQueries(res.headers)).toBe(1);
    // Other test files write events meanwhile: every queued one is a delivery of a later CREATED event.
    const rows = await deliveriesOf(typed);
    expect(res.body.queued).toBe(rows.length);
    const seqs = rows.map((d) => d.seq);
    expect(seqs).toEqual(expect.arrayContaining([a.seq, c.seq]));
    expect(seqs).not.toContain(b.seq);
    const types = await env.DB.prepare(
      'select distinct e.type from webhook_deliveries d join events e on e.seq = d.seq where d.subscription_name = ?',
    )
      .bind(typed)
      .all<{ type: string }>();
    expect(types.results).toEqual([{ type: CREATED }]);
    expect(Math.min(...seqs)).toBeGreaterThan(a.seq - 1);

    const all = await subscribe({ event_types: ['*'] });
    expect((await replay(all, { event_ids: [a.id, b.id, c.id] })).body).toEqual({ queued: 3 });
    expect((await replay(all, { after_seq: Number.MAX_SAFE_INTEGER })).body).toEqual({ queued: 0 });
  });

  it.each([
    ['neither', {}, ['after_seq', 'event_ids']],
    ['both', { after_seq: 1, event_ids: ['00000000-0000-4000-8000-000000000000'] }, ['after_seq', 'event_ids']],
    ['negative after_seq', { after_seq: -1 }, ['after_seq']],
    ['fractional after_seq', { after_seq: 1.5 }, ['after_seq']],
    ['after_seq as text', { after_seq: '5' }, ['after_seq']],
    ['empty event_ids', { event_ids: [] }, ['event_ids']],
    ['event_ids not ids', { event_ids: ['nope'] }, ['event_ids.0']],
    ['event_ids not a list', { event_ids: 'x' }, ['event_ids']],
  ])('refuses %s (400) and writes nothing', async (_case, body, fields) => {
    const name = await subscribe();
    const res = await replay(name, body);
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('invalid_request');
    expect(Object.keys(res.body.field_errors).sort()).toEqual(fields);
    expect(await deliveriesOf(name)).toEqual([]);
  });

  it(`takes at most ${REPLAY_LIMIT} events per call`, async () => {
    expect(REPLAY_LIMIT).toBe(10_000);
    const name = await subscribe();
    const ids = Array.from(
      { length: REPLAY_LIMIT + 1 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    const res = await replay(name, { event_ids: ids });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.field_errors)).toEqual(['event_ids']);
    // The cap itself, at unit level with a small limit: the lowest seqs first.
    const events = [await insertEvent(), await insertEvent(), await insertEvent(), await insertEvent()];
    const db = createDb(env.DB, newDbMetrics());
    const rows = await replayDeliveries(db, name, { eventIds: events.map((e) => e.id) }, Date.now(), 3);
    expect(rows?.map((r) => r.seq).sort((x, y) => x - y)).toEqual(events.slice(0, 3).map((e) => e.seq));
    const after = await replayDeliveries(db, name, { afterSeq: (events[0]?.seq ?? 0) - 1 }, Date.now(), 2);
    expect(after).toHaveLength(2);
    expect(after?.map((r) => r.seq)).toContain(events[0]?.seq);
    expect(await replayDeliveries(db, unique('none'), { afterSeq: 0 }, Date.now(), 2)).toBeNull();
  });

  it('sends the replayed deliveries through the queue to the receiver (after the response)', async () => {
    const event = await insertEvent(EMAIL);
    const name = unique('wh');
    const url = receiver(name);
    const received: string[] = [];
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const request = new Request(input as RequestInfo, init);
      if (request.url !== url) return realFetch(input as RequestInfo, init);
      received.push(request.headers.get('webhook-id') ?? '');
      return new Response(null, { status: 204 });
    });
    // Enabled, created after the event: only the replay can deliver it.
    expect((await put(name, { url, event_types: [EMAIL], secret: SECRET })).status).toBe(201);
    const res = await replay(name, { event_ids: [event.id] });
    expect(res.body).toEqual({ queued: 1 });
    await vi.waitFor(() => expect(received).toContain(event.id), { timeout: 10_000, interval: 100 });
    await vi.waitFor(
      async () => {
        const [row] = (await deliveriesOf(name)).filter((d) => d.seq === event.seq);
        expect(row).toMatchObject({ status: 'succeeded', attempts: 1, last_status_code: 204 });
      },
      { timeout: 10_000, interval: 100 },
    );
  });
});

describe('the OpenAPI document', () => {
  it('documents every webhook operation with the schemas it validates with', async () => {
    const res = await call('/openapi.json');
    expect(res.status).toBe(200);
    const paths = res.body.paths;
    expect(Object.keys(paths['/api/admin/v1/webhooks/{name}']).sort()).toEqual(['delete', 'get', 'put']);
    expect(Object.keys(paths['/api/admin/v1/webhooks'])).toEqual(['get']);
    expect(Object.keys(paths['/api/admin/v1/webhooks/{name}/deliveries'])).toEqual(['get']);
    expect(Object.keys(paths['/api/admin/v1/webhooks/{name}/replay'])).toEqual(['post']);
    const schemas = res.body.components.schemas;
    expect(schemas.WebhookSubscriptionInput.properties.url.pattern).toBe(URL_PATTERN);
    expect(schemas.WebhookSubscriptionInput.properties.secret.pattern).toBe(SECRET_PATTERN);
    expect(schemas.WebhookSubscriptionInput.properties.event_types.oneOf).toHaveLength(2);
    expect(schemas.WebhookReplayInput.oneOf).toHaveLength(2);
    expect(paths['/api/admin/v1/webhooks/{name}/replay'].post.responses).toHaveProperty('202');
    expect(paths['/api/admin/v1/webhooks/{name}'].put.security).toEqual([
      { JwtAuth: [] },
      { JwtCookie: [], JwtCookieSignature: [], UseJwtCookie: [] },
      { ApiKey: [] },
    ]);
  });
});
