// Seeding for `npm run bench`, straight into each instance's D1 (Miniflare's `getD1Database`):
// the migrations in order, then the catalog, users and enrollments in batched statements.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const COURSES = 1000;
/** Enrollments per seeded learner: learner u holds courses 10u … 10u+9 (mod 1000). */
export const PER_USER = 10;
export const BULK_USERS = 1000;
export const STAFF = 'bench_staff';
export const LEARNER = 'bench_u0';

const T0 = Date.UTC(2024, 0, 1); // created/updated of catalog and users
const ENROLLED_FROM = Date.UTC(2024, 6, 1); // enrollment k is created at ENROLLED_FROM + k seconds
const COURSE_START = Date.UTC(2025, 0, 1);
const FAR_FUTURE = Date.UTC(2099, 11, 31, 23, 59, 59);

export const courseId = (c) => `course-v1:BenchX+C${String(c).padStart(4, '0')}+2025`;
export const learnerName = (u) => `bench_u${u}`;
export const bulkName = (b) => `bench_b${b}`;
export const emailOf = (username) => `${username}@example.com`;
/** Seeded learners: enough that each holds PER_USER enrollments, never fewer than 1000. */
export const learnerCount = (enrollments) => Math.max(1000, Math.ceil(enrollments / PER_USER));

const SQL_COURSE_ID = (expr) => `'course-v1:BenchX+C' || printf('%04d', ${expr}) || '+2025'`;

/** `INSERT … SELECT` over the integers [from, to) (a recursive CTE: one short statement per chunk). */
const overRange = (from, to, insert, select) =>
  `INSERT INTO ${insert} WITH RECURSIVE seq(k) AS (SELECT ${from} UNION ALL SELECT k + 1 FROM seq WHERE k + 1 < ${to}) ${select} FROM seq`;

/** Applies every migrations/*.sql in name order (statements split on drizzle's breakpoints). */
export async function applyMigrations(db, dir = 'migrations') {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  for (const file of files) {
    const statements = readFileSync(join(dir, file), 'utf8')
      .split('--> statement-breakpoint')
      .map((s) => s.trim())
      .filter(Boolean);
    await db.batch(statements.map((s) => db.prepare(s)));
  }
  return files;
}

/** 1000 course runs, each with audit and verified modes, open for enrollment. */
export async function seedCatalog(db) {
  await db.batch([
    db.prepare(
      overRange(
        0,
        COURSES,
        `course_runs (id, course_name, org, course_start, course_end, enrollment_start, enrollment_end, invite_only,
          max_student_enrollments_allowed, self_paced, bulk_email_enabled, blocked_countries, created_at, updated_at)`,
        `SELECT ${SQL_COURSE_ID('k')}, 'Bench Course ' || k, 'BenchX', ${COURSE_START}, NULL, ${T0}, NULL, 0,
          NULL, 0, 0, '[]', ${T0}, ${T0}`,
      ),
    ),
    db.prepare(
      overRange(
        0,
        COURSES,
        `course_modes (course_id, position, slug, name, min_price, suggested_prices, currency, expiration_at,
          description, sku, bulk_sku)`,
        `SELECT ${SQL_COURSE_ID('k')}, 0, 'audit', 'Audit', 0, '', 'usd', NULL, NULL, NULL, NULL`,
      ),
    ),
    db.prepare(
      overRange(
        0,
        COURSES,
        `course_modes (course_id, position, slug, name, min_price, suggested_prices, currency, expiration_at,
          description, sku, bulk_sku)`,
        `SELECT ${SQL_COURSE_ID('k')}, 1, 'verified', 'Verified Certificate', 49, '', 'usd', ${FAR_FUTURE}, NULL,
          'BENCH-' || k, NULL`,
      ),
    ),
  ]);
}

const USER_COLUMNS =
  'users (id, username, email, name, is_staff, is_superuser, is_active, country, language, created_at, updated_at)';

/**
 * Learners `bench_u<k>` (id k+1), bulk-enroll targets `bench_b<k>` (no enrollments) and the staff
 * user, then `enrollments` enrollments: enrollment k is learner ⌊k/10⌋ in course k mod 1000, created
 * one second after enrollment k−1 (so the admin list's keyset order is the insertion order).
 */
export async function seedService(db, enrollments, progress) {
  await seedCatalog(db);
  const learners = learnerCount(enrollments);
  const chunk = 50_000;
  for (let from = 0; from < learners; from += chunk) {
    const to = Math.min(learners, from + chunk);
    await db.batch([
      db.prepare(
        overRange(
          from,
          to,
          USER_COLUMNS,
          `SELECT k + 1, 'bench_u' || k, 'bench_u' || k || '@example.com', 'Bench Learner ' || k, 0, 0, 1, NULL, NULL,
            ${T0}, ${T0}`,
        ),
      ),
    ]);
  }
  const bulkFirstId = learners + 1;
  await db.batch([
    db.prepare(
      overRange(
        0,
        BULK_USERS,
        USER_COLUMNS,
        `SELECT ${bulkFirstId} + k, 'bench_b' || k, 'bench_b' || k || '@example.com', 'Bulk Learner ' || k, 0, 0, 1,
          NULL, NULL, ${T0}, ${T0}`,
      ),
    ),
    db
      .prepare(`INSERT INTO ${USER_COLUMNS} VALUES (?, ?, ?, 'Bench Staff', 1, 0, 1, NULL, NULL, ?, ?)`)
      .bind(bulkFirstId + BULK_USERS, STAFF, emailOf(STAFF), T0, T0),
  ]);
  progress(`users: ${learners} learners, ${BULK_USERS} bulk targets, 1 staff`);

  const started = Date.now();
  const perStatement = 25_000;
  const perBatch = 4; // 100,000 rows per D1 batch
  let done = 0;
  while (done < enrollments) {
    const statements = [];
    for (let i = 0; i < perBatch && done < enrollments; i += 1) {
      const to = Math.min(enrollments, done + perStatement);
      statements.push(
        db.prepare(
          overRange(
            done,
            to,
            'enrollments (user_id, course_id, mode, is_active, created_at, updated_at)',
            `SELECT k / ${PER_USER} + 1, ${SQL_COURSE_ID(`k % ${COURSES}`)},
              CASE WHEN k % 4 = 0 THEN 'verified' ELSE 'audit' END, 1,
              ${ENROLLED_FROM} + k * 1000, ${ENROLLED_FROM} + k * 1000`,
          ),
        ),
      );
      done = to;
    }
    await db.batch(statements);
    const pct = Math.round((done / enrollments) * 100);
    progress(`enrollments: ${done}/${enrollments} (${pct}%) ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const [{ n }] = (await db.prepare('SELECT count(*) AS n FROM enrollments').all()).results;
  if (n !== enrollments) throw new Error(`seeded ${n} enrollments, expected ${enrollments}`);
  return { learners, bulkFirstId };
}

/** Cursor (src/lib/cursor.ts format) whose next page is the oldest `pageSize` enrollments: the last page. */
export async function lastPageCursor(db, pageSize) {
  const row = await db
    .prepare('SELECT created_at AS createdAt, id FROM enrollments ORDER BY created_at ASC, id ASC LIMIT 1 OFFSET ?')
    .bind(pageSize)
    .first();
  if (!row) throw new Error('too few enrollments for a last page');
  return Buffer.from(`n|${row.createdAt}|${row.id}`).toString('base64url');
}

/** The bare Worker's data: one KV key and one row in a one-table database. */
export async function seedBare(db, kv) {
  await db.batch([
    db.prepare('CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, value TEXT NOT NULL)'),
    db.prepare("INSERT OR REPLACE INTO items (id, name, value) VALUES (1, 'bare', 'constant')"),
  ]);
  await kv.put('bare-key', 'bare-value');
}

/**
 * The event log up to at least `total` events. Seeded enrollments already wrote one `created` event
 * each (the migrations' triggers); the rest are copies of those events (fresh `seq`, `id` and `time`),
 * so every page holds real payloads. All are marked dispatched: a dispatch would otherwise walk them.
 */
export async function seedEvents(db, total, progress) {
  const count = async () => (await db.prepare('SELECT count(*) AS n FROM events').first()).n;
  let n = await count();
  if (n === 0) throw new Error('no events after seeding enrollments: are the event triggers missing?');
  while (n < total) {
    await db
      .prepare(
        `INSERT INTO events (type, subject, course_key, username, data)
         SELECT type, subject, course_key, username, data FROM events ORDER BY seq LIMIT ?`,
      )
      .bind(Math.min(n, total - n, 100_000))
      .run();
    n = await count();
  }
  await db.prepare('UPDATE events SET dispatched_at = time WHERE dispatched_at IS NULL').run();
  progress(`events: ${n}`);
  return n;
}

/** The `after` cursor whose feed page is the newest `limit` events: the last page. */
export async function lastFeedAfter(db, limit) {
  const { last } = await db.prepare('SELECT max(seq) AS last FROM events').first();
  if (last <= limit) throw new Error('too few events for a last page');
  return last - limit;
}
