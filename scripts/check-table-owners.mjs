#!/usr/bin/env node
// One owner per table (docs/architecture.md#one-owner-per-table): every statement that writes a
// table — Drizzle's insert/update/delete, or insertFromSelect — sits in the table's owning folder
// of src/. Other domains call the owner's statement builders. Run by `npm run lint`.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const OWNERS = {
  users: 'users',
  userRetirements: 'users',
  userOrgPreferences: 'enrollments',
  userExternalIds: 'programs',
  courseRuns: 'provisioning',
  courseModes: 'provisioning',
  organizations: 'provisioning',
  catalogPrograms: 'provisioning',
  catalogProgramRuns: 'provisioning',
  courseGrades: 'provisioning',
  certificates: 'provisioning',
  courseProgress: 'provisioning',
  courseDueDates: 'provisioning',
  courseRoles: 'roles',
  outbox: 'bulk',
  cohorts: 'cohorts',
  cohortMemberships: 'cohorts',
  cohortPreassignments: 'cohorts',
  programEnrollments: 'programs',
  programCourseEnrollments: 'programs',
  pendingCourseRoles: 'programs',
  enrollments: 'enrollments',
  enrollmentAttributes: 'enrollments',
  enrollmentAllowances: 'enrollments',
  enrollmentAudit: 'enrollments',
  // Rows of `events` are inserted by the migrations' triggers; src/events/ dispatches and purges them.
  events: 'events',
  webhookSubscriptions: 'events',
  webhookDeliveries: 'events',
  bulkJobs: 'jobs',
  bulkJobChunks: 'jobs',
  bulkJobResults: 'jobs',
  idempotencyKeys: 'idempotency',
};
// Generic writers that take the table as a parameter: their callers are what is checked.
const GENERIC = new Set(['src/db/insert-select.ts', 'src/provisioning/learner-records.repo.ts']);
const WRITE =
  /\.(?:insert|update|delete)\(\s*([A-Za-z_$][\w$]*)\s*\)|insertFromSelect\(\s*[\w$]+\s*,\s*([A-Za-z_$][\w$]*)\s*,/g;

const files = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });

const TABLES = new Set(
  files('src/db/schema').flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/export const (\w+) = sqliteTable\(/g)].map((m) => m[1]),
  ),
);
const problems = [...TABLES].filter((t) => !(t in OWNERS)).map((t) => `table '${t}' has no owner declared here`);
for (const file of files('src')) {
  const path = relative('.', file).split(sep).join('/');
  const folder = path.split('/')[1];
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(WRITE)) {
    const table = match[1] ?? match[2];
    const line = text.slice(0, match.index).split('\n').length;
    // Anything else (a Map's delete, a parameter of a generic writer) is not a table.
    if (!TABLES.has(table) || GENERIC.has(path)) continue;
    if (OWNERS[table] !== folder) {
      problems.push(`${path}:${line} writes '${table}', owned by src/${OWNERS[table]}/ (call its statement builders)`);
    }
  }
}
if (problems.length > 0) {
  console.error(`table owners: ${problems.length} write(s) outside the owning folder\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`table owners: every write to ${Object.keys(OWNERS).length} tables is in its owning folder`);
