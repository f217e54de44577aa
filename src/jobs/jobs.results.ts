import type { Result } from '../bulk/bulk.plan';
import type { Deps } from '../context';
import type { Principal } from '../context/principal';
import { cursorCodec } from '../lib/cursor';
import { ApiError, notFoundDetail } from '../lib/errors';
import { bucketOf, loadResult, type StoredResult } from './jobs.plan';
import { readResultsPage } from './jobs.repo';
import { CSV_HEADER, DEFAULT_PAGE_SIZE } from './jobs.schemas';
import { canSee } from './jobs.service';

// GET /api/bulk_enroll/v1/jobs/{job_id}/results (docs/api/bulk-jobs.md#results): the results
// processed so far, in pair order, one page per round trip. A cursor is a position among them.

const positionCodec = cursorCodec({ separator: '.', fields: [['position', '\\d{1,12}']], maxTokenLength: 40 });

export interface ResultsPage {
  results: { courseId: string; result: Result }[];
  /** Cursor of the following page, when more results are processed already. */
  next: string | null;
}

export async function jobResults(
  deps: Pick<Deps, 'db'>,
  principal: Principal,
  id: string,
  query: { cursor?: string; page_size?: number },
): Promise<ResultsPage> {
  const from = query.cursor === undefined ? 0 : positionCodec.decode(query.cursor)?.position;
  if (from === undefined) throw new ApiError(400, { cursor: ['Invalid cursor.'] });
  const size = query.page_size ?? DEFAULT_PAGE_SIZE;
  const { job, rows } = await readResultsPage(deps.db, id, from, size);
  if (!job || !canSee(principal, job)) throw notFoundDetail();
  const results: ResultsPage['results'] = [];
  for (const row of rows) {
    const stored = JSON.parse(row.results) as StoredResult[];
    const start = Math.max(0, from - row.firstPos);
    const end = Math.min(stored.length, from + size - row.firstPos);
    for (const item of stored.slice(start, end)) results.push({ courseId: row.courseId, result: loadResult(item) });
  }
  const reached = from + results.length;
  const next =
    results.length > 0 && reached < job.processed ? positionCodec.encode({ direction: 'n', position: reached }) : null;
  return { results, next };
}

export const resultsJson = (page: ResultsPage, nextUrl: string | null) => ({
  results: page.results.map(({ courseId, result }) => ({ course_id: courseId, ...result })),
  next: nextUrl,
});

/** RFC 4180: a field with a quote, comma or line break is quoted, quotes doubled. */
const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

const STATE_COLUMNS = ['user', 'enrollment', 'allowed', 'auto_enroll'] as const;

/** Every page is a CSV file of its own: the header row, then one line per pair; an invalid identifier has no before/after state, so those cells are empty. */
export function resultsCsv(page: ResultsPage): string {
  const lines = [CSV_HEADER.join(',')];
  for (const { courseId, result } of page.results) {
    const states =
      'before' in result
        ? [result.before, result.after].flatMap((s) => STATE_COLUMNS.map((k) => String(s[k])))
        : STATE_COLUMNS.flatMap(() => ['', '']);
    const invalid = String(!('before' in result));
    lines.push([csvField(result.identifier), csvField(courseId), bucketOf(result), invalid, ...states].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
