import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createDb, newDbMetrics } from '../../src/db/client';
import { appliedMigrations } from '../../src/health/health.repo';
import { decideReadiness, EXPECTED_MIGRATION } from '../../src/health/health.service';
import worker from '../../src/index';
import { BASE, call, dbQueries } from '../helpers/request';

// GET /health/ready (docs/operations.md#readiness), on the migrated test database.
const READY = { status: 'ok', checks: { d1: 'ok', migrations: 'ok', kv: 'ok', queue: 'ok' } };

describe('GET /health/ready', () => {
  it('answers 200 with every check ok, in one D1 round trip', async () => {
    const res = await call('/health/ready');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.body).toEqual(READY);
    expect(dbQueries(res.headers)).toBe(1);
    expect((await call('/health/ready/')).status).toBe(200);
  });

  it('answers 503 naming the queue check when the EVENTS binding is missing', async () => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request(`${BASE}/health/ready`), { ...env, EVENTS: undefined } as never, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'unavailable',
      checks: { ...READY.checks, queue: 'binding EVENTS missing' },
    });
  });

  it('GET /health stays liveness: no storage touched', async () => {
    const res = await call('/health');
    expect(res.body).toEqual({ status: 'ok' });
    expect(dbQueries(res.headers)).toBe(0);
  });
});

describe('migrations check on D1', () => {
  const db = () => createDb(env.DB, newDbMetrics());

  it('the expected migration is the last file of migrations/ (a new migration updates it)', () => {
    expect(EXPECTED_MIGRATION).toBe(env.TEST_MIGRATIONS.at(-1)?.name);
  });

  it('reads the applied migrations as wrangler records them', async () => {
    expect(await appliedMigrations(db(), EXPECTED_MIGRATION)).toEqual({
      newest: EXPECTED_MIGRATION,
      expectedApplied: true,
    });
  });

  it('code expecting a migration the database lacks: 503 naming the expected and the newest applied', async () => {
    const applied = await appliedMigrations(db(), '9999_not_yet.sql');
    expect(applied).toEqual({ newest: EXPECTED_MIGRATION, expectedApplied: false });
    const readiness = decideReadiness(
      { migrations: { ok: true, value: applied }, kv: { ok: true }, queueBound: true },
      '9999_not_yet.sql',
    );
    expect(readiness).toEqual({
      status: 'unavailable',
      checks: {
        d1: 'ok',
        migrations: `not applied: expected 9999_not_yet.sql, newest applied ${EXPECTED_MIGRATION}`,
        kv: 'ok',
        queue: 'ok',
      },
    });
  });

  it('a database never migrated: D1 answers `no such table`, which is the migrations check failing', async () => {
    // The error D1 gives for a missing table, as the readiness query would get it on a fresh database.
    const error = await env.DB.prepare('select name from d1_migrations_absent')
      .all()
      .catch((e: unknown) => e);
    expect(String((error as Error).message)).toMatch(/no such table: d1_migrations_absent/);
    const fresh = new Error(String((error as Error).message).replace('d1_migrations_absent', 'd1_migrations'));
    expect(decideReadiness({ migrations: { ok: false, error: fresh }, kv: { ok: true }, queueBound: true })).toEqual({
      status: 'unavailable',
      checks: {
        d1: 'ok',
        migrations: `not applied: expected ${EXPECTED_MIGRATION}, no migration applied`,
        kv: 'ok',
        queue: 'ok',
      },
    });
  });

  it('D1 or KV failing: their checks name the error, the migrations are unknown', () => {
    const down = new Error('D1_ERROR: Network connection lost.');
    expect(
      decideReadiness({
        migrations: { ok: false, error: down },
        kv: { ok: false, error: new Error('KV GET failed: 500') },
        queueBound: true,
      }),
    ).toEqual({
      status: 'unavailable',
      checks: {
        d1: 'unreachable: D1_ERROR: Network connection lost.',
        migrations: 'unknown: D1 unreachable',
        kv: 'unreachable: KV GET failed: 500',
        queue: 'ok',
      },
    });
  });
});
