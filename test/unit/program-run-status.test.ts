import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { courseRunStatus, type RunFacts } from '../../src/programs/run-status';

const NOW = Date.UTC(2030, 5, 15);
const DAY = 24 * 3600_000;
const run = (facts: Partial<RunFacts>): RunFacts => ({
  selfPaced: false,
  start: null,
  end: null,
  certificate: null,
  ...facts,
});

describe('courseRunStatus (#overview)', () => {
  it('instructor-paced: ended → completed, started → in_progress, else upcoming', () => {
    expect(courseRunStatus(run({ start: NOW - 10 * DAY, end: NOW - DAY }), NOW)).toBe('completed');
    expect(courseRunStatus(run({ start: NOW - DAY, end: NOW + DAY }), NOW)).toBe('in_progress');
    expect(courseRunStatus(run({ start: NOW + DAY }), NOW)).toBe('upcoming');
    expect(courseRunStatus(run({ start: null, end: null }), NOW)).toBe('upcoming');
    // Strictly in the past: a start exactly now has not started.
    expect(courseRunStatus(run({ start: NOW }), NOW)).toBe('upcoming');
  });

  it('instructor-paced ignores certificates', () => {
    const certificate = { status: 'downloadable', createdAt: NOW - 100 * DAY };
    expect(courseRunStatus(run({ start: NOW - DAY, certificate }), NOW)).toBe('in_progress');
  });

  it('self-paced: a passing certificate created at least 30 days ago completes the run', () => {
    const started = { selfPaced: true, start: NOW - 60 * DAY };
    for (const status of ['downloadable', 'generating']) {
      expect(courseRunStatus(run({ ...started, certificate: { status, createdAt: NOW - 30 * DAY } }), NOW)).toBe(
        'completed',
      );
      expect(courseRunStatus(run({ ...started, certificate: { status, createdAt: NOW - 30 * DAY + 1 } }), NOW)).toBe(
        'in_progress',
      );
    }
    expect(
      courseRunStatus(run({ ...started, certificate: { status: 'notpassing', createdAt: NOW - 90 * DAY } }), NOW),
    ).toBe('in_progress');
    // Even before the start (a certificate granted early).
    expect(
      courseRunStatus(
        run({ selfPaced: true, start: NOW + DAY, certificate: { status: 'downloadable', createdAt: NOW - 31 * DAY } }),
        NOW,
      ),
    ).toBe('completed');
  });

  it('is completed whenever the run has ended, and never in_progress before its start', () => {
    const date = fc.option(fc.integer({ min: NOW - 400 * DAY, max: NOW + 400 * DAY }), { nil: null });
    const facts = fc.record({
      selfPaced: fc.boolean(),
      start: date,
      end: date,
      certificate: fc.option(
        fc.record({
          status: fc.constantFrom('downloadable', 'generating', 'notpassing', 'audit_passing'),
          createdAt: fc.integer({ min: NOW - 400 * DAY, max: NOW }),
        }),
        { nil: null },
      ),
    });
    fc.assert(
      fc.property(facts, (f) => {
        const status = courseRunStatus(f, NOW);
        if (f.end !== null && f.end < NOW) expect(status).toBe('completed');
        if (status === 'in_progress') expect(f.start !== null && f.start < NOW).toBe(true);
        if (!f.selfPaced && status === 'completed') expect(f.end !== null && f.end < NOW).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
