import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCourseKey, parseCourseKey } from '../../src/lib/course-key';

// Characters a key part may hold (docs/api/bulk-enroll.md#validation): word characters plus - ~ . :
const ALLOWED_ASCII = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-~.:'.split('');
const UNICODE_LETTERS = ['é', 'ß', 'Ж', '中', 'ع', 'ش', 'ü', '٣'];
const FORBIDDEN = ['+', '/', ' ', '?', '#', '%', ',', '@', '&', '=', '"', "'", '<', '\\', '\n', '\t', '!', '*'];

const part = fc.string({ unit: fc.constantFrom(...ALLOWED_ASCII, ...UNICODE_LETTERS), minLength: 1, maxLength: 30 });

describe('parseCourseKey', () => {
  it('parses new-style and slash-style keys into org, course and run', () => {
    expect(parseCourseKey('course-v1:edX+DemoX+Demo_Course')).toEqual({
      org: 'edX',
      course: 'DemoX',
      run: 'Demo_Course',
      id: 'course-v1:edX+DemoX+Demo_Course',
    });
    expect(parseCourseKey('edX/DemoX/2014')).toEqual({
      org: 'edX',
      course: 'DemoX',
      run: '2014',
      id: 'edX/DemoX/2014',
    });
    expect(parseCourseKey('course-v1:Org.X+CS-101~a+2024:T1')?.run).toBe('2024:T1');
  });

  it('refuses empty parts, wrong part counts and other prefixes', () => {
    for (const bad of [
      '',
      'course-v1:',
      'course-v1:a+b',
      'course-v1:a+b+c+d',
      'course-v1:a++c',
      'course-v1:+b+c',
      'course-v1:a+b+',
      'a/b',
      'a/b/c/d',
      'a//c',
      'ccx-v1:a+b+c+ccx@1',
      'block-v1:a+b+c+type@x+block@y',
      'course-v2:a+b+c',
      'COURSE-V1:a+b+c',
    ]) {
      expect(parseCourseKey(bad), bad).toBeNull();
    }
  });

  it('refuses keys longer than 255 characters', () => {
    const run = 'r'.repeat(255 - 'course-v1:o+c+'.length);
    expect(isCourseKey(`course-v1:o+c+${run}`)).toBe(true);
    expect(isCourseKey(`course-v1:o+c+${run}x`)).toBe(false);
  });

  it('accepts any key built from allowed parts, and returns those parts', () => {
    fc.assert(
      fc.property(part, part, part, (org, course, run) => {
        const id = `course-v1:${org}+${course}+${run}`;
        expect(parseCourseKey(id)).toEqual({ org, course, run, id });
        const slash = `${org}/${course}/${run}`;
        expect(parseCourseKey(slash)).toEqual({ org, course, run, id: slash });
      }),
    );
  });

  it('refuses a key whose part holds a forbidden character', () => {
    fc.assert(
      fc.property(
        part,
        part,
        part,
        fc.constantFrom(...FORBIDDEN),
        fc.nat(),
        fc.integer({ min: 0, max: 2 }),
        (org, course, run, bad, offset, which) => {
          const parts = [org, course, run];
          const target = parts[which] as string;
          const at = offset % (target.length + 1);
          parts[which] = target.slice(0, at) + bad + target.slice(at);
          const [o, c, r] = parts;
          expect(isCourseKey(`course-v1:${o}+${c}+${r}`)).toBe(false);
          expect(isCourseKey(`${o}/${c}/${r}`)).toBe(false);
        },
      ),
    );
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (value) => {
        const key = parseCourseKey(value);
        if (key) expect(key.id).toBe(value);
      }),
    );
  });
});
