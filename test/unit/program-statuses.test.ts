import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CourseRecordFacts,
  type CourseStatus,
  decideCourseRecord,
  decideProgramRecord,
  ERROR_RESULTS,
  planCourseLink,
  planRealisation,
  type WriteMethod,
  writeStatus,
} from '../../src/programs/statuses';

const methods: WriteMethod[] = ['POST', 'PATCH', 'PUT'];
const method = fc.constantFrom(...methods);
const courseStatus = fc.constantFrom<CourseStatus>('active', 'inactive');
const current = fc.option(
  fc.record({ mode: fc.constantFrom('audit', 'honor', 'verified', 'masters', 'professional'), isActive: fc.boolean() }),
  { nil: null },
);

describe('writeStatus (#write step 5, #course-write step 6)', () => {
  it('maps results to 201/200, 207 and 422', () => {
    expect(writeStatus({ a: 'enrolled', b: 'pending' }, 201)).toBe(201);
    expect(writeStatus({ a: 'enrolled' }, 200)).toBe(200);
    expect(writeStatus({ a: 'enrolled', b: 'duplicated' }, 201)).toBe(207);
    expect(writeStatus({ a: 'conflict', b: 'invalid-status', c: 'not-in-program', d: 'not-found' }, 201)).toBe(422);
    expect(writeStatus({}, 201)).toBe(422);
  });

  it('is 422 exactly when no result is a success, the success code exactly when all are', () => {
    const result = fc.oneof(
      fc.constantFrom(...ERROR_RESULTS),
      fc.constantFrom('enrolled', 'active', 'inactive', 'ended'),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), result), fc.constantFrom<200 | 201>(200, 201), (results, ok) => {
        const values = Object.values(results);
        const good = values.filter((v) => !ERROR_RESULTS.has(v)).length;
        const status = writeStatus(results, ok);
        expect(status === 422).toBe(good === 0);
        expect(status === ok).toBe(good > 0 && good === values.length);
      }),
    );
  });
});

describe('decideProgramRecord (#write step 4)', () => {
  it('follows the table for POST, PATCH and PUT', () => {
    expect(decideProgramRecord('POST', true, false)).toEqual({ result: 'conflict' });
    expect(decideProgramRecord('POST', false, false)).toEqual({ action: 'create' });
    expect(decideProgramRecord('PATCH', false, false)).toEqual({ result: 'not-in-program' });
    expect(decideProgramRecord('PATCH', true, false)).toEqual({ action: 'update' });
    expect(decideProgramRecord('PUT', true, false)).toEqual({ action: 'update' });
    expect(decideProgramRecord('PUT', false, false)).toEqual({ action: 'create' });
  });

  it('answers conflict instead of a second enrollment for a linked user already in the program', () => {
    expect(decideProgramRecord('POST', false, true)).toEqual({ result: 'conflict' });
    expect(decideProgramRecord('PUT', false, true)).toEqual({ result: 'conflict' });
    expect(decideProgramRecord('PUT', true, true)).toEqual({ action: 'update' });
  });
});

describe('planCourseLink (#course-enrollments-made, #p13)', () => {
  it('reuses an active enrollment: audit/honor become masters, other modes are kept', () => {
    expect(planCourseLink('active', { mode: 'audit', isActive: true }, false)).toEqual({
      kind: 'link',
      mode: 'masters',
      isActive: true,
    });
    expect(planCourseLink('active', { mode: 'honor', isActive: true }, false)).toMatchObject({ mode: 'masters' });
    expect(planCourseLink('active', { mode: 'verified', isActive: true }, false)).toMatchObject({ mode: 'verified' });
  });

  it('enrolls or re-activates in masters, deactivating for inactive', () => {
    expect(planCourseLink('active', null, false)).toEqual({ kind: 'link', mode: 'masters', isActive: true });
    expect(planCourseLink('active', { mode: 'verified', isActive: false }, false)).toMatchObject({ mode: 'masters' });
    expect(planCourseLink('inactive', { mode: 'verified', isActive: true }, false)).toEqual({
      kind: 'link',
      mode: 'verified',
      isActive: false,
    });
  });

  it('one active program-course enrollment per run: conflict for active, status only for inactive', () => {
    fc.assert(
      fc.property(courseStatus, current, (status, cur) => {
        expect(planCourseLink(status, cur, true)).toEqual(
          status === 'active' ? { kind: 'conflict' } : { kind: 'status-only' },
        );
      }),
    );
  });

  it('never links in a mode other than masters unless an active enrollment had it', () => {
    fc.assert(
      fc.property(courseStatus, current, (status, cur) => {
        const plan = planCourseLink(status, cur, false);
        expect(plan.kind).toBe('link');
        if (plan.kind !== 'link') return;
        expect(plan.isActive).toBe(status === 'active');
        if (plan.mode !== 'masters') expect(cur?.isActive && plan.mode === cur.mode).toBe(true);
      }),
    );
  });
});

describe('decideCourseRecord (#course-write step 4)', () => {
  const waiting: CourseRecordFacts = {
    programEnrollment: { userId: null },
    courseEnrollment: null,
    current: null,
    heldElsewhere: false,
  };
  const realised: CourseRecordFacts = { ...waiting, programEnrollment: { userId: 7 } };

  it('not-in-program whatever the method when the key has no program enrollment', () => {
    for (const m of methods) {
      expect(decideCourseRecord(m, 'active', { ...waiting, programEnrollment: null })).toEqual({
        result: 'not-in-program',
      });
    }
  });

  it('POST on an existing row is a conflict, PATCH on a missing one not-found', () => {
    const existing = { ...waiting, courseEnrollment: { status: 'active' as const, linked: false } };
    expect(decideCourseRecord('POST', 'inactive', existing)).toEqual({ result: 'conflict' });
    expect(decideCourseRecord('PATCH', 'active', waiting)).toEqual({ result: 'not-found' });
  });

  it('waiting rows only store the status', () => {
    expect(decideCourseRecord('POST', 'active', waiting)).toEqual({
      result: 'active',
      row: 'create',
      enrollment: null,
    });
    const existing = { ...waiting, courseEnrollment: { status: 'active' as const, linked: false } };
    expect(decideCourseRecord('PUT', 'inactive', existing)).toEqual({
      result: 'inactive',
      row: 'update',
      enrollment: null,
    });
  });

  it('realised creates enroll in masters; the same status is a no-op; linked changes keep the mode', () => {
    expect(decideCourseRecord('PUT', 'active', realised)).toEqual({
      result: 'active',
      row: 'create',
      enrollment: { mode: 'masters', isActive: true },
    });
    const linked: CourseRecordFacts = {
      ...realised,
      courseEnrollment: { status: 'active', linked: true },
      current: { mode: 'verified', isActive: true },
    };
    expect(decideCourseRecord('PATCH', 'active', linked)).toEqual({ result: 'active', row: 'none', enrollment: null });
    expect(decideCourseRecord('PATCH', 'inactive', linked)).toEqual({
      result: 'inactive',
      row: 'update',
      enrollment: { mode: 'verified', isActive: false },
    });
  });

  it('a realised learner active in the run through another program: active is a conflict', () => {
    const held = { ...realised, heldElsewhere: true };
    expect(decideCourseRecord('POST', 'active', held)).toEqual({ result: 'conflict' });
    expect(decideCourseRecord('POST', 'inactive', held)).toEqual({
      result: 'inactive',
      row: 'create',
      enrollment: null,
    });
    const unlinked = { ...held, courseEnrollment: { status: 'inactive' as const, linked: false } };
    expect(decideCourseRecord('PATCH', 'active', unlinked)).toEqual({ result: 'conflict' });
  });

  it('never produces a success for a missing program enrollment, and results are a status or an error', () => {
    const facts = fc.record({
      programEnrollment: fc.option(fc.record({ userId: fc.option(fc.nat(), { nil: null }) }), { nil: null }),
      courseEnrollment: fc.option(fc.record({ status: courseStatus, linked: fc.boolean() }), { nil: null }),
      current,
      heldElsewhere: fc.boolean(),
    });
    fc.assert(
      fc.property(method, courseStatus, facts, (m, status, f) => {
        const decision = decideCourseRecord(m, status, f);
        if (!f.programEnrollment) expect(decision.result).toBe('not-in-program');
        if ('row' in decision) {
          expect(decision.result).toBe(status);
          if (f.programEnrollment?.userId === null) expect(decision.enrollment).toBeNull();
          if (decision.row === 'create') expect(f.courseEnrollment).toBeNull();
        } else {
          expect(ERROR_RESULTS.has(decision.result)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('planRealisation (#realisation)', () => {
  const row = (id: number, courseKey: string, status: CourseStatus, runExists = true) => ({
    id,
    courseKey,
    status,
    runExists,
  });

  it('links every row in masters, inactive rows deactivated', () => {
    const plan = planRealisation([row(1, 'A', 'active'), row(2, 'B', 'inactive')], new Map(), new Set());
    expect(plan).toEqual({
      ok: true,
      links: [
        { id: 1, courseKey: 'A', mode: 'masters', isActive: true },
        { id: 2, courseKey: 'B', mode: 'masters', isActive: false },
      ],
    });
  });

  it('aborts for a run missing from the catalog or held active elsewhere', () => {
    expect(planRealisation([row(1, 'A', 'active', false)], new Map(), new Set())).toEqual({
      ok: false,
      courseKey: 'A',
      reason: 'course_does_not_exist',
    });
    expect(planRealisation([row(1, 'A', 'active')], new Map(), new Set(['A']))).toMatchObject({ reason: 'conflict' });
    // Inactive rows of a held run stay unlinked.
    expect(planRealisation([row(1, 'A', 'inactive')], new Map(), new Set(['A']))).toEqual({ ok: true, links: [] });
  });

  it('two realised rows of one run: active wins the link, two active ones abort', () => {
    const plan = planRealisation([row(1, 'A', 'inactive'), row(2, 'A', 'active')], new Map(), new Set());
    expect(plan).toEqual({ ok: true, links: [{ id: 2, courseKey: 'A', mode: 'masters', isActive: true }] });
    expect(planRealisation([row(1, 'A', 'active'), row(2, 'A', 'active')], new Map(), new Set())).toMatchObject({
      ok: false,
      reason: 'conflict',
    });
  });

  it('links each run at most once', () => {
    const rows = fc.array(
      fc.record({
        id: fc.nat(),
        courseKey: fc.constantFrom('A', 'B', 'C'),
        status: courseStatus,
        runExists: fc.constant(true),
      }),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(rows, fc.subarray(['A', 'B', 'C']), (list, held) => {
        const plan = planRealisation(list, new Map(), new Set(held));
        if (!plan.ok) return;
        const runs = plan.links.map((l) => l.courseKey);
        expect(new Set(runs).size).toBe(runs.length);
        for (const l of plan.links) expect(held.includes(l.courseKey)).toBe(false);
      }),
    );
  });
});
