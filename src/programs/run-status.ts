// `course_run_status` of the program overview (docs/api/programs.md#overview, upstream
// get_course_run_status). Pure: the caller passes the request time.

export type CourseRunStatus = 'in_progress' | 'upcoming' | 'completed';

/** Certificate statuses that count as passing; only `downloadable` offers a download URL. */
export const PASSING_CERTIFICATE_STATUSES: ReadonlySet<string> = new Set(['downloadable', 'generating']);

export const SELF_PACED_COMPLETION_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RunFacts {
  selfPaced: boolean;
  /** Epoch ms, null when unset. */
  start: number | null;
  end: number | null;
  /** The learner's certificate in the run, if any. */
  certificate: { status: string; createdAt: number } | null;
}

/**
 * Instructor-paced: ended → completed, else started → in_progress, else upcoming. Self-paced: also
 * completed once the learner holds a passing certificate created at least 30 days ago. "Ended" and
 * "started" mean the date is set and strictly before now; a missing start is not started.
 */
export function courseRunStatus(run: RunFacts, now: number): CourseRunStatus {
  const ended = run.end !== null && run.end < now;
  const certificate = run.certificate;
  const completedByCertificate =
    run.selfPaced &&
    certificate !== null &&
    PASSING_CERTIFICATE_STATUSES.has(certificate.status) &&
    certificate.createdAt <= now - SELF_PACED_COMPLETION_DAYS * DAY_MS;
  if (ended || completedByCertificate) return 'completed';
  if (run.start !== null && run.start < now) return 'in_progress';
  return 'upcoming';
}
