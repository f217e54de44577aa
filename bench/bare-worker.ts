// The physical limit for `npm run bench` (scripts/bench.mjs): a bare Hono Worker on the same runtime
// as the service, with no middleware. `/bare` answers a constant JSON, `/bare/kv` does one KV get,
// `/bare/d1` one D1 select by primary key (raw prepared statement, no ORM).
import { Hono } from 'hono';

interface BareEnv {
  DB: D1Database;
  CACHE: KVNamespace;
}

const app = new Hono<{ Bindings: BareEnv }>();

app.get('/bare', (c) => c.json({ status: 'ok' }));

app.get('/bare/kv', async (c) => {
  const value = await c.env.CACHE.get('bare-key');
  if (value === null) return c.json({ error: 'missing' }, 404);
  return c.json({ value });
});

app.get('/bare/d1', async (c) => {
  const row = await c.env.DB.prepare('SELECT id, name, value FROM items WHERE id = ?').bind(1).first();
  if (!row) return c.json({ error: 'missing' }, 404);
  return c.json(row);
});

export default app;
