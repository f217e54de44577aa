import fc from 'fast-check';

/**
 * Value pools of the fuzz: realistic values of the world the test seeded (so requests reach the
 * handlers and their storage) mixed with hostile ones. Path values are inserted into the URL as
 * they are: `%`-escapes (also invalid ones) reach the router undecoded.
 */
export interface World {
  courseIds: string[];
  usernames: string[];
  emails: string[];
  programUuids: string[];
  cohortNames: string[];
}

const MB = 1024 * 1024;

/** Path segments that break naive decoding, routing or parsing. */
export const HOSTILE_SEGMENTS = [
  '',
  '%',
  '%%',
  '%E0%A4%A',
  '%E0%A4%A%',
  '%zz',
  '%00',
  '%2F',
  '%2f..%2f',
  '%2e%2e',
  '..',
  '.',
  '%F0%9F%98',
  '%C0%AF',
  '%ED%A0%80',
  '%FF%FE',
  '%u0041',
  '%25',
  '%252B',
  '\u0000',
  '\u202e',
  '🚀',
  'Ünïçødé',
  'a b',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '"; DROP TABLE enrollments; --',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, literally
  '${7*7}',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  '-1',
  '0',
  '1e309',
  ',',
  ',,',
  '+',
  '++',
  ':',
  '@',
  '~',
  '*',
  '\\',
  '/',
  '//',
  '?',
  '#',
  ';',
  '&',
  '=',
];

const HOSTILE_COURSE_KEYS = [
  'course-v1:',
  'course-v1:a+b',
  'course-v1:a+b+c+d',
  'course-v1:a++c',
  'course-v1:+b+c',
  'course-v1:a+b+',
  'course-v1:a+b+c/d',
  'ccx-v1:edX+DemoX+Demo_Course+ccx@1',
  'library-v1:edX+Lib',
  'block-v1:edX+DemoX+Demo_Course+type@course+block@course',
  'course-v1:Ünï+çødé+🚀',
  'course-v1:edX+DemoX+Demo_Course,extra',
  'a,b,c',
  'course-v1:edX%2BDemoX%2BDemo_Course',
  'course-v1%3AedX%2BDemoX%2BDemo_Course',
  'course-v1:edX%252BDemoX%252BX',
  'edX/DemoX',
  'edX/DemoX/2014/extra',
  'edX/DemoX/2014',
  'edX+DemoX+2014',
  'course-v1:edX+DemoX+Demo_Course%00',
  'course-v1:edX+DemoX+Demo Course',
  'course-v1:edX+DemoX+Demo_Course?x=1',
  'course-v1:edX+DemoX+Demo_Course#frag',
  'COURSE-V1:EDX+DEMOX+DEMO_COURSE',
  'course-v1:a+b+c%E0%A4%A',
  'course-v1:a:b+c:d+e:f',
  'course-v1:a~b+c.d+e-f',
];

/** Anything printable or not; `binary` includes lone surrogates. */
export const anyString = fc.oneof(
  { arbitrary: fc.string({ maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 2 },
  { arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS), weight: 3 },
  { arbitrary: fc.integer({ min: 256, max: 20_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
);

const keyPart = fc.stringMatching(/^[A-Za-z0-9_.~-]{1,12}$/);

export const courseKey = (world: World, encoded: boolean) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...world.courseIds), weight: 6 },
    {
      arbitrary: fc.constantFrom(...world.courseIds).map((id) => (encoded ? encodeURIComponent(id) : id)),
      weight: 2,
    },
    { arbitrary: fc.tuple(keyPart, keyPart, keyPart).map(([o, c, r]) => `course-v1:${o}+${c}+${r}`), weight: 2 },
    { arbitrary: fc.tuple(keyPart, keyPart, keyPart).map(([o, c, r]) => `${o}/${c}/${r}`), weight: 1 },
    { arbitrary: fc.constantFrom(...HOSTILE_COURSE_KEYS), weight: 3 },
    { arbitrary: anyString, weight: 2 },
    { arbitrary: fc.integer({ min: 1000, max: 20_000 }).map((n) => `course-v1:${'A'.repeat(n)}+B+C`), weight: 1 },
  );

export const username = (world: World) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...world.usernames), weight: 6 },
    { arbitrary: fc.stringMatching(/^[A-Za-z0-9_.@+-]{1,30}$/), weight: 2 },
    { arbitrary: fc.constantFrom('retirement_service_worker', 'a,b', 'ünï', 'x'.repeat(151), 'a b'), weight: 1 },
    { arbitrary: anyString, weight: 2 },
  );

export const email = (world: World) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...world.emails), weight: 5 },
    { arbitrary: fc.emailAddress(), weight: 2 },
    {
      arbitrary: fc.constantFrom('a@', '@', 'x@y', 'ü@ñ.example', 'a@[127.0.0.1]', `${'a'.repeat(300)}@example.com`),
      weight: 1,
    },
    { arbitrary: anyString, weight: 1 },
  );

export const uuid = (world: World) =>
  fc.oneof(
    ...(world.programUuids.length ? [{ arbitrary: fc.constantFrom(...world.programUuids), weight: 4 }] : []),
    { arbitrary: fc.uuid(), weight: 3 },
    { arbitrary: fc.uuid().map((u) => u.toUpperCase().replaceAll('-', '')), weight: 1 },
    { arbitrary: fc.constantFrom('00000000-0000-0000-0000-000000000000', 'g'.repeat(36), 'abc', '-'), weight: 1 },
    { arbitrary: anyString, weight: 2 },
  );

/** A value for a path parameter, by its name. */
export function pathValue(world: World, name: string): fc.Arbitrary<string> {
  if (name === 'course_id') return courseKey(world, true);
  if (name === 'username') return username(world);
  if (name === 'role') return fc.oneof(fc.constantFrom('staff', 'instructor', 'Staff', 'admin'), anyString);
  if (name.endsWith('uuid')) return uuid(world);
  return fc.oneof(fc.constantFrom('edX', 'OpenX', 'saml-edx', 'key-1'), anyString);
}

const booleanish = fc.oneof(
  { arbitrary: fc.boolean(), weight: 4 },
  { arbitrary: fc.constantFrom('true', 'false', 'True', 'yes', 'off', '1', 0, 1, 2, null, '', 'maybe'), weight: 2 },
);

const dateish = fc.oneof(
  { arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), weight: 3 },
  { arbitrary: fc.constant(null), weight: 2 },
  {
    arbitrary: fc.constantFrom(
      '2030-01-01',
      '2030-13-45T99:99:99Z',
      '2030-01-01T00:00:00+05:00',
      'yesterday',
      '',
      1700000000,
      '+275760-09-13T00:00:00.000Z',
      '-000001-01-01T00:00:00Z',
    ),
    weight: 2,
  },
);

const separatorJoin = (parts: fc.Arbitrary<string[]>) =>
  fc.tuple(parts, fc.constantFrom(',', '\n', ' ', '\r\n', ', ', '\t', ',,')).map(([list, sep]) => list.join(sep));

/**
 * A value for a body/query field, by its name: realistic pools first (so the request gets past
 * validation), else undefined and the schema decides.
 */
export function fieldValue(world: World, name: string): fc.Arbitrary<unknown> | undefined {
  switch (name) {
    case 'course_id':
    case 'course_key':
    case 'key':
      return courseKey(world, false);
    case 'courses':
    case 'course_ids':
      return fc.oneof(
        separatorJoin(fc.array(courseKey(world, false), { minLength: 1, maxLength: 4 })),
        fc.array(courseKey(world, false), { maxLength: 4 }),
      );
    case 'user':
    case 'username':
    case 'preferred_username':
      return username(world);
    case 'email':
    case 'to':
    case 'enrolled_email':
      return email(world);
    case 'identifiers':
      return fc.oneof(
        { arbitrary: separatorJoin(fc.array(fc.oneof(username(world), email(world)), { maxLength: 8 })), weight: 5 },
        { arbitrary: fc.array(fc.oneof(username(world), email(world)), { maxLength: 5 }), weight: 1 },
        {
          arbitrary: fc
            .integer({ min: 10_001, max: 12_000 })
            .map((n) => Array.from({ length: n }, (_, i) => `fz${i}@example.com`).join(',')),
          weight: 1,
        },
      );
    case 'mode':
      return fc.oneof(
        fc.constantFrom('audit', 'verified', 'honor', 'credit', 'professional', 'no-id-professional', 'masters', null),
        anyString,
      );
    case 'action':
      return fc.oneof(fc.constantFrom('enroll', 'unenroll', 'Enroll', ''), anyString);
    case 'cohort':
    case 'cohorts':
    case 'name':
      return fc.oneof(fc.constantFrom(...world.cohortNames, '', 'Default Group'), anyString);
    case 'role':
      return fc.oneof(fc.constantFrom('staff', 'instructor', 'beta'), anyString);
    case 'assignment_type':
      return fc.oneof(fc.constantFrom('manual', 'random'), anyString);
    case 'status':
      return fc.oneof(
        fc.constantFrom('enrolled', 'pending', 'suspended', 'canceled', 'ended', 'active', 'inactive'),
        anyString,
      );
    case 'student_key':
    case 'external_user_key':
      return fc.oneof(fc.stringMatching(/^[a-z0-9-]{1,12}$/), anyString);
    case 'curriculum_uuid':
    case 'uuid':
    case 'program_uuid':
      return uuid(world);
    case 'blocked_countries':
      return fc.array(fc.oneof(fc.constantFrom('IR', 'CU', 'US', 'ir', 'XX', ''), anyString), { maxLength: 5 });
    case 'is_active':
    case 'auto_enroll':
    case 'email_students':
    case 'force_enrollment':
    case 'email_opt_in':
    case 'dry_run':
    case 'invite_only':
    case 'self_paced':
    case 'is_staff':
    case 'is_superuser':
    case 'passed':
      return booleanish;
    case 'course_start':
    case 'course_end':
    case 'enrollment_start':
    case 'enrollment_end':
    case 'expiration_datetime':
    case 'created':
    case 'date':
      return dateish;
    case 'page_size':
    case 'limit':
    case 'min_price':
    case 'max_student_enrollments_allowed':
    case 'percent':
      return fc.oneof(
        fc.integer({ min: -5, max: 200 }),
        fc.double(),
        fc.constantFrom('10', '1e3', '-1', 'abc', '', '99999999999999999999'),
      );
    default:
      return undefined;
  }
}

export const sizes = { MB };

// ---- realistic values: what a well-behaved client of this world would send ----------------------

const safeText = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,15}$/);
const freshEmail = fc.integer({ min: 0, max: 200 }).map((i) => `fz.new${i}@example.com`);
const studentKey = fc.integer({ min: 0, max: 30 }).map((i) => `fz-key-${i}`);

/** Path values a client would use: the world's ids (course ids raw or percent-encoded). */
export function realisticPathValue(world: World, name: string): fc.Arbitrary<string> {
  if (name === 'course_id') {
    return fc.oneof(fc.constantFrom(...world.courseIds), fc.constantFrom(...world.courseIds).map(encodeURIComponent));
  }
  if (name === 'username') return fc.constantFrom(...world.usernames);
  if (name === 'role') return fc.constantFrom('staff', 'instructor');
  if (name.endsWith('uuid')) return world.programUuids.length ? fc.constantFrom(...world.programUuids) : fc.uuid();
  if (name === 'provider_slug') return fc.constantFrom('fuzzx-sso', 'other-sso');
  if (name === 'short_name') return fc.constantFrom('FuzzX', 'FuzzY', 'OtherOrg');
  return safeText;
}

/** Field values a client would send (undefined: let the schema decide, safely). */
export function realisticFieldValue(world: World, name: string): fc.Arbitrary<unknown> | undefined {
  switch (name) {
    case 'course_id':
    case 'key':
      return fc.constantFrom(...world.courseIds);
    case 'courses':
      return fc.array(fc.constantFrom(...world.courseIds), { minLength: 1, maxLength: 2 }).map((l) => l.join(','));
    case 'course_ids':
      return fc.array(fc.constantFrom(...world.courseIds), { minLength: 1, maxLength: 2 }).map((l) => l.join(','));
    case 'user':
    case 'username':
      return fc.constantFrom(...world.usernames);
    case 'email':
    case 'to':
      return fc.oneof(fc.constantFrom(...world.emails), freshEmail);
    case 'identifiers':
      return fc
        .array(fc.oneof(fc.constantFrom(...world.usernames, ...world.emails), freshEmail), {
          minLength: 1,
          maxLength: 6,
        })
        .map((l) => l.join(','));
    case 'mode':
      return fc.constantFrom('audit', 'verified', 'honor', null);
    case 'action':
      return fc.constantFrom('enroll', 'unenroll');
    case 'cohort':
      return fc.constantFrom(...world.cohortNames, null);
    case 'cohorts':
      return fc.constant(undefined);
    case 'name':
    case 'title':
    case 'course_name':
    case 'marketing_slug':
      return safeText;
    case 'role':
      return fc.constantFrom('staff', 'instructor');
    case 'assignment_type':
      return fc.constantFrom('manual', 'random');
    case 'status':
      return fc.constantFrom('enrolled', 'pending', 'suspended', 'canceled', 'active', 'inactive');
    case 'student_key':
    case 'external_user_key':
      return studentKey;
    case 'organization':
      return fc.constantFrom('FuzzX', 'NoSuchOrg');
    case 'curriculum_uuid':
      return fc.constant('aaaaaaaa-1111-2222-3333-444444444444');
    case 'uuid':
    case 'program_uuid':
      return fc.uuid();
    case 'blocked_countries':
      return fc.constantFrom([], ['IR'], ['CU', 'IR']);
    case 'country':
      return fc.constantFrom('US', 'IR', null);
    case 'language':
      return fc.constantFrom('en', 'fr', null);
    case 'sso_provider_slug':
      return fc.constantFrom('fuzzx-sso', null);
    case 'reason':
      return safeText;
    case 'letter_grade':
      return fc.constantFrom('A', 'B', null);
    case 'percent':
      return fc.double({ min: 0, max: 1, noNaN: true });
    case 'page_size':
    case 'limit':
      return fc.integer({ min: 1, max: 50 }).map(String);
    case 'cursor':
      return fc.constant(undefined);
    case 'include_expired':
      return fc.constantFrom('true', 'false', '1');
    case 'url':
    case 'download_url':
    case 'resume_block_url':
      return fc.constantFrom('https://lms.example.com/jump/b1', null);
    case 'is_active':
    case 'auto_enroll':
    case 'email_students':
    case 'force_enrollment':
    case 'email_opt_in':
    case 'dry_run':
    case 'invite_only':
    case 'self_paced':
    case 'passed':
      return fc.boolean();
    case 'course_start':
    case 'course_end':
    case 'enrollment_start':
    case 'enrollment_end':
    case 'expiration_datetime':
    case 'created':
    case 'date':
      return fc.oneof(
        fc.constant(null),
        fc
          .date({ min: new Date('2000-01-01'), max: new Date('2040-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString()),
      );
    default:
      return undefined;
  }
}

export const realisticText = safeText;
