/** The JOBS queue's name (wrangler.toml): index.ts tells its batches from the EVENTS queue's by it. */
export const JOBS_QUEUE = 'enrollment-jobs';

// The body limit of POST /api/bulk_enroll/v1/jobs/ (docs/api/bulk-jobs.md#limits): every other
// route keeps the app's 1 MiB. A 32 MiB body is about a million e-mail addresses; it is parsed once
// into stored slices, so the Worker's 128 MB hold the body, its parsed list and one statement.
export const JOB_BODY_BYTES = 32 * 1024 * 1024;

export const jobBodyTooLarge = () => ({
  error_code: 'payload_too_large',
  developer_message: 'Request body exceeds the 32 MiB limit.',
});
