import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { walkCourseRecords, walkProgramRecords } from '../../src/programs/records';

const CURRICULUM = 'AAAAAAAA-1111-2222-3333-444444444444';
const rec = (key: unknown, status: unknown = 'enrolled', curriculum: unknown = CURRICULUM) => ({
  student_key: key,
  status,
  curriculum_uuid: curriculum,
});

describe('walkProgramRecords (#write steps 1–3)', () => {
  it('refuses a body that is not an array with 422, more than 25 records with 413', () => {
    for (const body of [{}, null, 'x', 3, { student_key: 'a' }]) {
      expect(walkProgramRecords(body, 'POST')).toEqual({
        ok: false,
        status: 422,
        message: 'invalid enrollment record',
      });
    }
    const many = Array.from({ length: 26 }, (_, i) => rec(`k${i}`));
    expect(walkProgramRecords(many, 'POST')).toEqual({ ok: false, status: 413, message: 'enrollment limit 25' });
    expect(walkProgramRecords(many.slice(0, 25), 'POST').ok).toBe(true);
    // The limit is checked before the records: 26 malformed records are still a 413.
    expect(walkProgramRecords(Array(26).fill(7), 'PUT')).toMatchObject({ status: 413 });
  });

  it('refuses the whole request for a malformed record', () => {
    const bad = [
      [7],
      [{ status: 'enrolled' }],
      [rec(5)],
      [rec('')],
      [rec('   ')],
      [rec('a'.repeat(256))],
      [rec('a', null)],
      [rec('a', '')],
      [{ student_key: 'a', curriculum_uuid: CURRICULUM }],
      [{ student_key: 'a', status: 'enrolled' }],
      [rec('a', 'enrolled', 'not-a-uuid')],
      [rec('ok'), rec('b', 'enrolled', 12)],
    ];
    for (const body of bad)
      expect(walkProgramRecords(body, 'POST'), JSON.stringify(body)).toMatchObject({ status: 422 });
  });

  it('PATCH ignores curriculum_uuid entirely', () => {
    const walked = walkProgramRecords(
      [rec('a', 'suspended', 'garbage'), { student_key: 'b', status: 'ended' }],
      'PATCH',
    );
    expect(walked).toMatchObject({ ok: true });
    if (walked.ok) expect(walked.records.map((r) => r.curriculumUuid)).toEqual([null, null]);
  });

  it('canonicalises the curriculum UUID', () => {
    const walked = walkProgramRecords([rec('a', 'enrolled', `{${CURRICULUM.replaceAll('-', '')}}`)], 'PUT');
    expect(walked.ok && walked.records[0]?.curriculumUuid).toBe(CURRICULUM.toLowerCase());
  });

  it('an invalid status choice wins over other field errors; duplicates replace earlier results', () => {
    const walked = walkProgramRecords(
      [rec('a', 'Enrolled', 'bad'), rec('', 'nope'), rec('b'), rec('b', 'pending'), rec('c', 5), rec('a')],
      'POST',
    );
    expect(walked.ok).toBe(true);
    if (!walked.ok) return;
    expect(Object.fromEntries(walked.results)).toEqual({
      a: 'duplicated',
      '': 'invalid-status',
      b: 'duplicated',
      c: 'invalid-status',
    });
    expect(walked.records).toEqual([]);
  });

  it('never throws, and a success keeps exactly the valid non-duplicated keys', () => {
    const item = fc.oneof(
      fc.record({
        student_key: fc.oneof(fc.constantFrom('a', 'b', 'c', ''), fc.string(), fc.integer()),
        status: fc.oneof(fc.constantFrom('enrolled', 'pending', 'bogus', '', null), fc.anything()),
        curriculum_uuid: fc.oneof(fc.constant(CURRICULUM), fc.uuid(), fc.string()),
      }),
      fc.anything(),
    );
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 30 }),
        fc.constantFrom('POST' as const, 'PATCH' as const, 'PUT' as const),
        (body, m) => {
          const walked = walkProgramRecords(body, m);
          if (!walked.ok) {
            expect([413, 422]).toContain(walked.status);
            return;
          }
          const keys = walked.records.map((r) => r.key);
          expect(new Set(keys).size).toBe(keys.length);
          for (const k of keys) expect(walked.results.has(k)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('walkCourseRecords (#course-write steps 1–3)', () => {
  it('malformed bodies and records are 400, the limit 413', () => {
    expect(walkCourseRecords({})).toMatchObject({ status: 400, message: 'invalid enrollment record' });
    expect(walkCourseRecords([{ student_key: 'a', status: 'active', course_staff: 'yes' }])).toMatchObject({
      status: 400,
    });
    expect(walkCourseRecords([{ student_key: 'a' }])).toMatchObject({ status: 400 });
    expect(walkCourseRecords(Array(26).fill({ student_key: 'a', status: 'active' }))).toMatchObject({ status: 413 });
  });

  it('reads course_staff, reports invalid-status and duplicates', () => {
    const walked = walkCourseRecords([
      { student_key: 'a', status: 'active', course_staff: true },
      { student_key: 'b', status: 'enrolled' },
      { student_key: 'c', status: 'inactive', extra: 1 },
      { student_key: 'c', status: 'active' },
    ]);
    expect(walked.ok).toBe(true);
    if (!walked.ok) return;
    expect(walked.records).toEqual([{ key: 'a', status: 'active', courseStaff: true }]);
    expect(Object.fromEntries(walked.results)).toEqual({ b: 'invalid-status', c: 'duplicated' });
  });
});
