import { env } from 'cloudflare:test';

/**
 * What "the database is unchanged" means for the hardening tests: the row count of every table of
 * the schema (read from sqlite_master, so tables added later are covered without edits) and a
 * SHA-256 of the whole enrollments table. Global counts are meaningful because each test file gets
 * its own D1 storage.
 */
export interface DbState {
  counts: Record<string, number>;
  enrollmentsChecksum: string;
}

let tables: string[] | undefined;
let countStatement: D1PreparedStatement | undefined;

async function appTables(): Promise<string[]> {
  if (tables) return tables;
  const rows = await env.DB.prepare(
    `SELECT name FROM sqlite_master WHERE type = 'table'
       AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'
     ORDER BY name`,
  ).all<{ name: string }>();
  tables = rows.results.map((r) => r.name);
  return tables;
}

const hex = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');

export async function dbState(): Promise<DbState> {
  const names = await appTables();
  // One statement for every count; one for the checksum input.
  countStatement ??= env.DB.prepare(
    `SELECT ${names.map((t, i) => `(SELECT count(*) FROM "${t}") AS c${i}`).join(', ')}`,
  );
  const [counted, dump] = await env.DB.batch([
    countStatement,
    env.DB.prepare(
      `SELECT coalesce(json_group_array(json_array(id, user_id, course_id, mode, is_active, created_at, updated_at)), '[]') AS rows
         FROM (SELECT * FROM enrollments ORDER BY id)`,
    ),
  ]);
  const row = (counted?.results[0] ?? {}) as Record<string, number>;
  const counts = Object.fromEntries(names.map((t, i) => [t, row[`c${i}`] ?? 0]));
  const rows = ((dump?.results[0] ?? {}) as { rows?: string }).rows ?? '[]';
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(rows));
  return { counts, enrollmentsChecksum: hex(digest) };
}

/** Human-readable differences between two states (empty when equal). */
export function diffStates(before: DbState, after: DbState): string[] {
  const changes: string[] = [];
  for (const table of new Set([...Object.keys(before.counts), ...Object.keys(after.counts)])) {
    if (before.counts[table] !== after.counts[table]) {
      changes.push(`${table}: ${before.counts[table]} → ${after.counts[table]} rows`);
    }
  }
  if (before.enrollmentsChecksum !== after.enrollmentsChecksum) changes.push('enrollments: content changed');
  return changes;
}
