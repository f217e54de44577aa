import type { Deps } from '../context';
import { type AppliedMigrations, appliedMigrations } from './health.repo';

/**
 * The newest file of migrations/ this code needs applied (wrangler records it under this name).
 * A new migration changes it: test/unit/health.test.ts fails until it names the last file.
 */
export const EXPECTED_MIGRATION = '0008_idempotency.sql';

/** Any KV key: a miss is as good as a hit, the read only proves the namespace answers. */
const KV_PROBE_KEY = 'health:ready';
const MAX_REASON = 200;

export type CheckName = 'd1' | 'migrations' | 'kv' | 'queue';
export interface Readiness {
  status: 'ok' | 'unavailable';
  /** `ok`, or why the check failed. */
  checks: Record<CheckName, string>;
}

/** What the probes found: each storage probe's value, or what it threw. */
export interface Probes {
  migrations: { ok: true; value: AppliedMigrations } | { ok: false; error: unknown };
  kv: { ok: true } | { ok: false; error: unknown };
  queueBound: boolean;
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, MAX_REASON);

function storageChecks(
  migrations: Probes['migrations'],
  expected: string,
): Pick<Readiness['checks'], 'd1' | 'migrations'> {
  if (!migrations.ok) {
    const reason = reasonOf(migrations.error);
    // D1 answered, but nothing was ever applied to it.
    if (/no such table: d1_migrations/.test(reason)) {
      return { d1: 'ok', migrations: `not applied: expected ${expected}, no migration applied` };
    }
    return { d1: `unreachable: ${reason}`, migrations: 'unknown: D1 unreachable' };
  }
  const { newest, expectedApplied } = migrations.value;
  if (expectedApplied) return { d1: 'ok', migrations: 'ok' };
  return { d1: 'ok', migrations: `not applied: expected ${expected}, newest applied ${newest ?? 'none'}` };
}

/** The readiness answer from the probes' outcomes (pure: unit-tested without storage). */
export function decideReadiness(probes: Probes, expected = EXPECTED_MIGRATION): Readiness {
  const checks: Readiness['checks'] = {
    ...storageChecks(probes.migrations, expected),
    kv: probes.kv.ok ? 'ok' : `unreachable: ${reasonOf(probes.kv.error)}`,
    queue: probes.queueBound ? 'ok' : 'binding EVENTS missing',
  };
  const ready = Object.values(checks).every((check) => check === 'ok');
  return { status: ready ? 'ok' : 'unavailable', checks };
}

/** Probes D1 (one round trip) and KV at once; never throws, a failed probe is a failed check. */
export async function checkReadiness(deps: Deps, queueBound: boolean): Promise<Readiness> {
  const [migrations, kv] = await Promise.allSettled([
    appliedMigrations(deps.db, EXPECTED_MIGRATION),
    deps.kv.get(KV_PROBE_KEY),
  ]);
  return decideReadiness({
    migrations:
      migrations.status === 'fulfilled'
        ? { ok: true, value: migrations.value }
        : { ok: false, error: migrations.reason },
    kv: kv.status === 'fulfilled' ? { ok: true } : { ok: false, error: kv.reason },
    queueBound,
  });
}
