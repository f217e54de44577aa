import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { eq, like } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client';
import { organizations } from '../../src/db/schema';
import { dbQueries, unique } from '../helpers/request';
import { jwtHeader } from '../helpers/tokens';
import { keyed, keyRows, newKey } from './support';
import { keyedWriteApp } from './test-app';

// docs/api/idempotency.md#claim: the claim rides on the first write whatever its form — a batch, or a
// single statement's run/get/all — and never on a read.

type Write = (db: Db, prefix: string) => Promise<unknown>;

function appWith(write: Write) {
  return keyedWriteApp('/w', async (c, prefix) => {
    const db = c.get('deps').db;
    const before = await db
      .select()
      .from(organizations)
      .where(like(organizations.shortName, `${prefix}-%`))
      .all();
    const result = await write(db, prefix);
    return c.json({ before: before.length, result: result === undefined ? null : typeof result });
  });
}

const org = (prefix: string) => {
  const now = Date.now();
  return { shortName: `${prefix}-${crypto.randomUUID()}`, name: 'x', createdAt: now, updatedAt: now };
};

const WRITES: [string, Write][] = [
  ['batch', (db, p) => db.batch([db.insert(organizations).values(org(p))])],
  ['run()', (db, p) => db.insert(organizations).values(org(p)).run()],
  ['returning().get()', (db, p) => db.insert(organizations).values(org(p)).returning().get()],
  ['returning().all()', (db, p) => db.insert(organizations).values(org(p)).returning().all()],
  [
    'update … run()',
    async (db, p) => {
      await db.batch([db.insert(organizations).values({ ...org(p), shortName: `${p}-fixed` })]);
      return db
        .update(organizations)
        .set({ name: 'y' })
        .where(eq(organizations.shortName, `${p}-none`))
        .run();
    },
  ],
];

const count = async (prefix: string) =>
  (
    await env.DB.prepare('select count(*) n from organizations where short_name like ?')
      .bind(`${prefix}-%`)
      .first<{ n: number }>()
  )?.n;

describe('the claim on the first write', () => {
  it.each(WRITES)(
    '%s: applied once, retried → replay, one round trip more than without a key',
    async (_name, write) => {
      const app = appWith(write);
      const headers = { ...(await jwtHeader(unique('claimer'))), 'Content-Type': 'application/json' };
      const send = async (h: Record<string, string>, prefix: string) => {
        const ctx = createExecutionContext();
        const res = await app.request('/w', { method: 'POST', body: JSON.stringify({ prefix }), headers: h }, env, ctx);
        await waitOnExecutionContext(ctx);
        return { res, text: await res.text() };
      };
      await send(headers, unique('warm'));
      const plain = await send(headers, unique('plain'));
      const prefix = unique('claim');
      const key = newKey();
      const first = await send(keyed(key, headers), prefix);
      expect(first.res.status, first.text).toBe(200);
      const applied = await count(prefix);
      expect(applied).toBeGreaterThan(0);
      expect((await keyRows(key))[0]?.status).toBe(200);
      const again = await send(keyed(key, headers), prefix);
      expect(again.res.headers.get('Idempotent-Replayed')).toBe('true');
      expect(again.text).toBe(first.text);
      expect(await count(prefix)).toBe(applied);
      expect(dbQueries(first.res.headers)).toBe(dbQueries(plain.res.headers) + 1);
    },
  );
});
