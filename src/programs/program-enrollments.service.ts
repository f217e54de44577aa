import type { Deps } from '../context';
import { runBatch, type Statement } from '../db/batch';
import { ApiError } from '../lib/errors';
import { type PageQuery, pageBody, pageRequest, programKey } from './listing';
import { STAFF_PAGE_SIZE } from './paging';
import { programNotFound } from './program-errors';
import {
  findProgramEnrollmentPage,
  insertProgramEnrollments,
  loadProgramWrite,
  type NewProgramEnrollment,
  type ProgramSummary,
  updateProgramEnrollmentStatuses,
} from './programs.repo';
import type { ProgramRecord, Walk } from './records';
import { decideProgramRecord, RESULT, type WriteMethod, writeStatus } from './statuses';

// Program enrollments of one program (docs/api/programs.md#list).

/** GET (#list): every enrollment of the program, waiting or not, by id. One round trip. */
export async function listProgramEnrollments(deps: Deps, rawUuid: string, query: PageQuery, requestUrl: string) {
  const request = pageRequest(query, STAFF_PAGE_SIZE);
  const { program, rows } = await findProgramEnrollmentPage(deps.db, programKey(rawUuid), request.cursor, request.size);
  if (!program) throw programNotFound();
  return pageBody(rows, request, requestUrl, (row) => ({
    student_key: row.key,
    status: row.status,
    account_exists: row.userId !== null,
    curriculum_uuid: row.curriculumUuid,
    username: row.username ?? '',
    email: row.email ?? '',
  }));
}

/**
 * #organizations: an organization missing from the LMS (or a program without authoring organization) is an
 * unhandled error upstream; here it means "no provider" (every key waits), and is logged (#p4).
 */
function warnWithoutOrganization(program: ProgramSummary) {
  if (program.owningOrg !== null && program.orgFound !== null) return;
  console.warn(
    JSON.stringify({
      event: 'program_without_lms_organization',
      program_uuid: program.uuid,
      owning_org: program.owningOrg,
    }),
  );
}

/**
 * POST/PATCH/PUT (#write). The body is judged in full first (nothing is written for a 413/422); one
 * round trip loads the program, the existing enrollments and the linked users of all keys; one
 * atomic batch writes. Returns the result map and its status code.
 */
export async function writeProgramEnrollments(
  deps: Deps,
  rawUuid: string,
  method: WriteMethod,
  walked: Walk<ProgramRecord>,
) {
  const keys = walked.ok ? walked.records.map((r) => r.key) : [];
  const ctx = await loadProgramWrite(deps.db, programKey(rawUuid), keys);
  // The program is checked first, whatever the body (#list).
  if (!ctx.program) throw programNotFound();
  if (!walked.ok) throw new ApiError(walked.status, walked.message);
  if (method !== 'PATCH') warnWithoutOrganization(ctx.program);

  const existing = new Map(ctx.existing.map((e) => [e.key, e]));
  const links = new Map(ctx.links.map((l) => [l.key, l]));
  const results = walked.results;
  const creates: NewProgramEnrollment[] = [];
  const updates: { externalUserKey: string; status: string }[] = [];
  for (const record of walked.records) {
    const found = existing.get(record.key);
    const link = links.get(record.key);
    const decision = decideProgramRecord(method, found !== undefined, link?.enrolled === 1);
    if ('result' in decision) {
      results.set(record.key, decision.result);
      continue;
    }
    results.set(record.key, record.status);
    if (decision.action === 'create') {
      // PATCH never creates, so POST/PUT records carry their curriculum.
      creates.push({
        externalUserKey: record.key,
        status: record.status,
        curriculumUuid: record.curriculumUuid as string,
        userId: link?.userId ?? null,
      });
    } else if (found && found.status !== record.status) {
      // PATCH/PUT never change the curriculum of an existing enrollment.
      updates.push({ externalUserKey: record.key, status: record.status });
    }
  }

  const program = ctx.program.uuid;
  const now = deps.now();
  const statements: Statement[] = [];
  if (creates.length > 0) statements.push(insertProgramEnrollments(deps.db, program, creates, now));
  if (updates.length > 0) statements.push(updateProgramEnrollmentStatuses(deps.db, program, updates, now));
  const outcome = await runBatch(deps.db, statements);
  if (creates.length > 0) {
    // A key created concurrently since the read is a conflict, as it would be a moment later.
    const created = new Set((outcome[0] as { key: string }[]).map((r) => r.key));
    for (const row of creates) if (!created.has(row.externalUserKey)) results.set(row.externalUserKey, RESULT.conflict);
  }
  const answer = Object.fromEntries(results);
  return { status: writeStatus(answer, method === 'POST' ? 201 : 200), results: answer };
}
