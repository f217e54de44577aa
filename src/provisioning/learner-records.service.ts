import type { z } from '@hono/zod-openapi';
import type { Deps } from '../context';
import { formatDateTime } from '../lib/datetime';
import { userNotFound } from '../users/users.service';
import { courseNotFound } from './courses.service';
import { replaceDueDates, saveCertificate, saveGrade, saveProgress } from './learner-records.repo';
import type { CertificateBody, DueDatesBody, GradeBody, ProgressBody } from './learner-records.schemas';

// A learner's records in a run, read by the program APIs (docs/api/programs.md#grades, #overview). Both the run
// and the user must be provisioned (404 naming the missing one). One round trip each.

function found<R>(
  saved: { courseFound: boolean; userFound: boolean; row: R | null },
  courseId: string,
  username: string,
): R {
  if (!saved.courseFound) throw courseNotFound(courseId);
  if (!saved.userFound || saved.row === null) throw userNotFound(username);
  return saved.row;
}

export async function putGrade(deps: Deps, courseId: string, username: string, input: z.output<typeof GradeBody>) {
  const isError = input.error !== undefined;
  const saved = await saveGrade(
    deps.db,
    courseId,
    username,
    {
      percent: isError ? null : (input.percent ?? null),
      letterGrade: isError ? null : (input.letter_grade ?? null),
      passed: isError ? null : (input.passed ?? null),
      error: isError ? (input.error ?? '') : null,
    },
    deps.now(),
  );
  const row = found(saved, courseId, username);
  return {
    created: saved.created,
    grade: {
      course_id: courseId,
      username,
      percent: row.percent,
      letter_grade: row.letterGrade,
      passed: row.passed,
      error: row.error,
    },
  };
}

export async function putCertificate(
  deps: Deps,
  courseId: string,
  username: string,
  input: z.output<typeof CertificateBody>,
) {
  const now = deps.now();
  const saved = await saveCertificate(
    deps.db,
    courseId,
    username,
    { status: input.status, downloadUrl: input.download_url, createdAt: input.created ?? now },
    now,
  );
  const row = found(saved, courseId, username);
  return {
    created: saved.created,
    certificate: {
      course_id: courseId,
      username,
      status: row.status,
      download_url: row.downloadUrl,
      created: formatDateTime(row.createdAt),
    },
  };
}

export async function putProgress(
  deps: Deps,
  courseId: string,
  username: string,
  input: z.output<typeof ProgressBody>,
) {
  const saved = await saveProgress(
    deps.db,
    courseId,
    username,
    { resumeBlockUrl: input.resume_block_url, emailOptOut: input.email_opt_out },
    deps.now(),
  );
  const row = found(saved, courseId, username);
  return {
    created: saved.created,
    progress: {
      course_id: courseId,
      username,
      resume_block_url: row.resumeBlockUrl,
      email_opt_out: row.emailOptOut,
    },
  };
}

/** Replaces the run's due dates (`[]` clears them). Always 200, like the embargo: every run has a list. */
export async function putDueDates(deps: Deps, courseId: string, input: z.output<typeof DueDatesBody>) {
  const saved = await replaceDueDates(deps.db, courseId, input);
  if (!saved.courseFound) throw courseNotFound(courseId);
  return {
    course_id: courseId,
    due_dates: saved.dueDates.map((d) => ({ name: d.name, url: d.url, date: formatDateTime(d.date) })),
  };
}
