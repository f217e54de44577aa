import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { offerAnswer } from '../../src/db/client';
import { organizations } from '../../src/db/schema';
import { ApiError } from '../../src/lib/errors';
import { body } from '../enrollments/support';
import { createUser } from '../helpers/fixtures';
import { dbQueries, unique } from '../helpers/request';
import { jwtHeader } from '../helpers/tokens';
import { enrollCall, keyed, keyRows, learnerAndCourse, newKey } from './support';
import { keyedWriteApp } from './test-app';

// docs/api/idempotency.md#cost: a handler that knows its answer before its write offers it; the
// key's row then takes it in the write's own batch, so the key costs no round trip of its own — and
// when the offer does not hold (the write came out otherwise, or the handler answered otherwise),
// the given answer is kept after, as without an offer.

describe('E5 POST offers its answer: a key costs no round trip', () => {
  it('a new enrollment: as many round trips as without a key; the kept answer is the one sent', async () => {
    const { course } = await learnerAndCourse();
    const staff = await jwtHeader(unique('offstaff'), { administrator: true });
    const warm = await createUser({ username: unique('offw') });
    await enrollCall(course, staff, { json: body(course.id, { user: warm.username }) });
    const [a, b] = [await createUser({ username: unique('offa') }), await createUser({ username: unique('offb') })];
    const unkeyed = await enrollCall(course, staff, { json: body(course.id, { user: a.username }) });
    const key = newKey();
    const json = body(course.id, { user: b.username });
    const first = await enrollCall(course, keyed(key, staff), { json });
    expect(first.status).toBe(200);
    expect(dbQueries(first.headers)).toBe(dbQueries(unkeyed.headers));
    const [row] = await keyRows(key);
    expect(row).toMatchObject({ status: 200, content_type: 'application/json', body: JSON.stringify(first.body) });
    const replay = await enrollCall(course, keyed(key, staff), { json });
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
  });

  it('a change of an existing enrollment keeps its creation time in the offered answer', async () => {
    const { user, course } = await learnerAndCourse();
    const staff = await jwtHeader(unique('offstaff'), { administrator: true });
    const created = await enrollCall(course, staff, { json: body(course.id, { user: user.username }) });
    const key = newKey();
    const json = body(course.id, { user: user.username, is_active: false });
    const off = await enrollCall(course, keyed(key, staff), { json });
    expect(off.status).toBe(200);
    expect((off.body as { created: string }).created).toBe((created.body as { created: string }).created);
    expect(dbQueries(off.headers)).toBe(2);
    expect((await keyRows(key))[0]?.body).toBe(JSON.stringify(off.body));
  });
});

type Handle = Parameters<typeof keyedWriteApp>[1];

async function sendKeyed(handle: Handle) {
  const app = keyedWriteApp('/offer', handle);
  const headers = { ...(await jwtHeader(unique('offerer'))), 'Content-Type': 'application/json' };
  const send = async (h: Record<string, string>) => {
    const ctx = createExecutionContext();
    const init = { method: 'POST', body: JSON.stringify({ prefix: unique('o') }), headers: h };
    const res = await app.request('/offer', init, env, ctx);
    await waitOnExecutionContext(ctx);
    return { res, text: await res.text() };
  };
  await send(headers);
  const plain = await send(headers);
  const key = newKey();
  return { plain, first: await send(keyed(key, headers)), key };
}

const newOrg = () => {
  const now = Date.now();
  return { shortName: unique('off-org'), name: 'x', createdAt: now, updatedAt: now };
};

describe('an offer that does not hold is not what the key keeps', () => {
  it('its condition fails after the write: the given answer is kept one round trip later', async () => {
    const { plain, first, key } = await sendKeyed(async (c) => {
      const db = c.get('deps').db;
      offerAnswer(db, { status: 200, json: { offered: true } }, sql`0 = 1`);
      await db.batch([db.insert(organizations).values(newOrg())]);
      return c.json({ offered: true });
    });
    expect(first.res.status).toBe(200);
    expect(dbQueries(first.res.headers)).toBe(dbQueries(plain.res.headers) + 1);
    expect((await keyRows(key))[0]).toMatchObject({ status: 200, body: '{"offered":true}' });
  });

  it('the handler answers otherwise than it offered: its real answer is kept', async () => {
    const { plain, first, key } = await sendKeyed(async (c) => {
      const db = c.get('deps').db;
      offerAnswer(db, { status: 200, json: { answer: 'offered' } }, sql`1 = 1`);
      await db.batch([db.insert(organizations).values(newOrg())]);
      return c.json({ answer: 'given' }, 201);
    });
    expect(first.res.status).toBe(201);
    expect(dbQueries(first.res.headers)).toBe(dbQueries(plain.res.headers) + 1);
    expect((await keyRows(key))[0]).toMatchObject({ status: 201, body: '{"answer":"given"}' });
  });

  it('the handler fails after the write with a 5xx: the key is freed, the offer with it', async () => {
    const { first, key } = await sendKeyed(async (c) => {
      const db = c.get('deps').db;
      offerAnswer(db, { status: 200, json: { answer: 'offered' } }, sql`1 = 1`);
      await db.batch([db.insert(organizations).values(newOrg())]);
      throw new ApiError(503, { error_code: 'unavailable' });
    });
    expect(first.res.status).toBe(503);
    expect(await keyRows(key)).toEqual([]);
  });

  it('an offer without a key, or after the first write, changes nothing', async () => {
    const { plain, first, key } = await sendKeyed(async (c) => {
      const db = c.get('deps').db;
      await db.batch([db.insert(organizations).values(newOrg())]);
      offerAnswer(db, { status: 200, json: { late: true } }, sql`1 = 1`);
      return c.json({ late: false });
    });
    expect(plain.res.status).toBe(200);
    expect(dbQueries(first.res.headers)).toBe(dbQueries(plain.res.headers) + 1);
    expect((await keyRows(key))[0]).toMatchObject({ status: 200, body: '{"late":false}' });
  });
});
