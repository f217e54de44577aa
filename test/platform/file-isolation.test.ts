import { env } from 'cloudflare:test';
import { expect, it } from 'vitest';
import { createUser } from '../helpers/fixtures';

// Many test files share one runtime (docs/testing.md#isolation); each must still start as if it
// had its own. This file's one test checks what it finds before writing anything: whichever files
// ran before it in this runtime, storage is empty and migrated.
it('a test file starts from empty, fully migrated storage', async () => {
  const tables = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('d1_migrations', '_cf_KV', '_cf_METADATA')",
  ).all<{ name: string }>();
  expect(tables.results.length).toBeGreaterThan(10);
  const counts = await env.DB.batch(
    tables.results.map(({ name }) => env.DB.prepare(`SELECT '${name}' AS name, count(*) AS n FROM "${name}"`)),
  );
  const filled = counts.flatMap((r) => r.results as { name: string; n: number }[]).filter((r) => r.n > 0);
  expect(filled).toEqual([]);
  const migrations = await env.DB.prepare('SELECT name FROM d1_migrations ORDER BY id').all<{ name: string }>();
  expect(migrations.results.map((m) => m.name)).toEqual(env.TEST_MIGRATIONS.map((m) => m.name));
  expect((await env.CACHE.list()).keys).toEqual([]);
  // Earlier files' rows are gone, and so are their ids: the ids a file sees do not depend on the order.
  expect((await createUser()).id).toBe(1);
});
