// import_enrollments for `npm run bench`: `npm run import` (scripts/import.mjs, as a user runs it)
// streams a generated export of `users` users × 5 courses into the service instance, users first.
// Target: ≥ 5,000 enrollments/s; D1 round trips per call from each answer's Server-Timing.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeSample } from '../import/sample.mjs';
import { courseId } from './seed.mjs';

export const IMPORT_TARGET_PER_S = 5000;

const run = promisify(execFile);

async function importFile(origin, apiKey, kind, file) {
  const args = ['scripts/import.mjs', '--url', origin, '--key', apiKey, '--kind', kind, '--quiet', '--json', file];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n')[0]);
}

/** Imports the sample; the figures, and problems when a line was refused or a count is off. */
export async function measureImport({ origin, apiKey, users }) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-import-'));
  try {
    const courses = [1, 2, 3, 4, 5].map(courseId);
    const sample = await makeSample({ users, dir, courses });
    const userRun = await importFile(origin, apiKey, 'users', sample.usersFile);
    const enrollmentRun = await importFile(origin, apiKey, 'enrollments', sample.enrollmentsFile);
    const problems = [];
    for (const [r, expected] of [
      [userRun, sample.users],
      [enrollmentRun, sample.enrollments],
    ]) {
      if (r.refused > 0 || r.created + r.updated + r.unchanged !== expected) {
        problems.push(
          `import ${r.kind}: ${r.refused} refused, ${r.created + r.updated + r.unchanged} of ${expected} applied; first: ${JSON.stringify(r.first_refused)}`,
        );
      }
    }
    return {
      measured: {
        users: sample.users,
        users_per_s: Math.round(userRun.rows_per_s),
        enrollments: sample.enrollments,
        enrollments_per_s: Math.round(enrollmentRun.rows_per_s),
        calls: enrollmentRun.calls,
        d1_per_call: enrollmentRun.maxDbQueries,
        users_d1_per_call: userRun.maxDbQueries,
        target_per_s: IMPORT_TARGET_PER_S,
        verdict: enrollmentRun.rows_per_s >= IMPORT_TARGET_PER_S ? 'PASS' : 'MISS',
      },
      problems,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
