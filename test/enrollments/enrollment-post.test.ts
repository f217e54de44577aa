import { describe, expect, it } from 'vitest';
import {
  createCohort,
  createCourse,
  createUser,
  enroll,
  grantRole,
  type Scope,
  snapshot,
  uniqueCourseId,
} from '../helpers/fixtures';
import { call, unique } from '../helpers/request';
import { API, apiKey, body, expectJson, globalStaff, learner, NOT_FOUND, postEnrollment } from './support';

/**
 * E5 (docs/api/enrollments.md#e5-steps): every numbered step, its exact answer, and the order of the steps. Each refusal must leave
 * storage untouched ("Nothing is written when any step answers non-200").
 */
const COURSE_ID_REQUIRED = { message: 'Course ID must be specified to create a new enrollment.' };
const BLOCKED_URL = 'http://localhost:18000/embargo/blocked-message/enrollment/default/';

interface Refusal {
  headers: Record<string, string>;
  json: unknown;
  status: number;
  body: unknown;
  scope: Scope;
  /** API-key calls failing from step 8 on are audited (#e5-side-effects); compare the rest. */
  auditAllowed?: boolean;
}

async function basics() {
  const course = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'honor' }, { slug: 'verified' }] });
  const user = await createUser();
  return { course, user, scope: { courseIds: [course.id], userIds: [user.id] } };
}

const cases: [string, () => Promise<Refusal>][] = [
  // ---- step 1
  ...(
    [
      ['no course_details', {}],
      ['course_details null', { course_details: null }],
      ['course_details a string', { course_details: 'course-v1:a+b+c' }],
      ['course_details an array', { course_details: ['course-v1:a+b+c'] }],
      ['course_details without course_id', { course_details: {} }],
      ['course_id empty', { course_details: { course_id: '' } }],
      ['course_id null', { course_details: { course_id: null } }],
      ['course_id a number', { course_details: { course_id: 5 } }],
    ] as const
  ).map(([name, json]): [string, () => Promise<Refusal>] => [
    `step 1: ${name}`,
    async () => {
      const { user, scope } = await basics();
      return { headers: await learner(user.username), json, status: 400, body: COURSE_ID_REQUIRED, scope };
    },
  ]),
  // ---- step 2
  [
    'step 2: course id not a key',
    async () => {
      const { user, scope } = await basics();
      return {
        headers: await learner(user.username),
        json: body('not a key'),
        status: 400,
        body: { message: "No course 'not a key' found for enrollment" },
        scope,
      };
    },
  ],
  [
    'step 2 before 4: bad key and another user',
    async () => {
      const { user, scope } = await basics();
      const other = await createUser();
      return {
        headers: await learner(user.username),
        json: body('edX/bad', { user: other.username }),
        status: 400,
        body: { message: "No course 'edX/bad' found for enrollment" },
        scope: { ...scope, userIds: [user.id, other.id] },
      };
    },
  ],
  // ---- step 3
  [
    'step 3: a learner may not target by e-mail (even their own)',
    async () => {
      const { course, user, scope } = await basics();
      return {
        headers: await learner(user.username),
        json: body(course.id, { email: user.email }),
        status: 404,
        body: NOT_FOUND,
        scope,
      };
    },
  ],
  [
    'step 3: unknown e-mail for global staff → 406',
    async () => {
      const { course, scope } = await basics();
      const email = `${unique('nobody')}@example.com`;
      return {
        headers: await globalStaff(unique('gs')),
        json: body(course.id, { email }),
        status: 406,
        body: { message: `The user with the email address ${email} does not exist.` },
        scope,
      };
    },
  ],
  [
    'step 3: unknown e-mail for the API key → 406',
    async () => {
      const { course, scope } = await basics();
      const email = `${unique('nobody')}@example.com`;
      return {
        headers: apiKey,
        json: body(course.id, { user: '', email }),
        status: 406,
        body: { message: `The user with the email address ${email} does not exist.` },
        scope,
      };
    },
  ],
  // ---- step 4
  [
    'step 4: learner targeting another existing user',
    async () => {
      const { course, user, scope } = await basics();
      const other = await createUser();
      await enroll(other.id, course.id);
      return {
        headers: await learner(user.username),
        json: body(course.id, { user: other.username }),
        status: 404,
        body: NOT_FOUND,
        scope: { ...scope, userIds: [user.id, other.id] },
      };
    },
  ],
  [
    'step 4: learner targeting an unknown user (same answer)',
    async () => {
      const { course, user, scope } = await basics();
      return {
        headers: await learner(user.username),
        json: body(course.id, { user: unique('ghost') }),
        status: 404,
        body: NOT_FOUND,
        scope,
      };
    },
  ],
  [
    'step 4: course staff targeting a learner of their course',
    async () => {
      const { course, user, scope } = await basics();
      const staff = await createUser();
      await grantRole(course.id, staff.id, 'instructor');
      return {
        headers: await learner(staff.username),
        json: body(course.id, { user: user.username, mode: 'audit' }),
        status: 404,
        body: NOT_FOUND,
        scope: { ...scope, userIds: [user.id, staff.id] },
      };
    },
  ],
  [
    'step 4 before 5: another user and a paid mode',
    async () => {
      const { course, user, scope } = await basics();
      return {
        headers: await learner(user.username),
        json: body(course.id, { user: unique('ghost'), mode: 'verified' }),
        status: 404,
        body: NOT_FOUND,
        scope,
      };
    },
  ],
  // ---- step 5
  ...(['verified', 'professional', 'credit', 'no-such-mode', ''] as const).map(
    (mode): [string, () => Promise<Refusal>] => [
      `step 5: learner asking for mode ${JSON.stringify(mode)}`,
      async () => {
        const { course, user, scope } = await basics();
        return {
          headers: await learner(user.username),
          json: body(course.id, { mode }),
          status: 403,
          body: { message: `User does not have permission to create enrollment with mode [${mode}].` },
          scope,
        };
      },
    ],
  ),
  [
    'step 5: course staff too',
    async () => {
      const { course, user, scope } = await basics();
      await grantRole(course.id, user.id, 'staff');
      return {
        headers: await learner(user.username),
        json: body(course.id, { mode: 'verified' }),
        status: 403,
        body: { message: 'User does not have permission to create enrollment with mode [verified].' },
        scope,
      };
    },
  ],
  [
    "step 5: even when it is the learner's current mode",
    async () => {
      const { course, user, scope } = await basics();
      await enroll(user.id, course.id, { mode: 'verified' });
      return {
        headers: await learner(user.username),
        json: body(course.id, { mode: 'verified' }),
        status: 403,
        body: { message: 'User does not have permission to create enrollment with mode [verified].' },
        scope,
      };
    },
  ],
  [
    'step 5 before the course lookup: unknown (valid) course',
    async () => {
      const { user, scope } = await basics();
      return {
        headers: await learner(user.username),
        json: body(uniqueCourseId(), { mode: 'verified' }),
        status: 403,
        body: { message: 'User does not have permission to create enrollment with mode [verified].' },
        scope,
      };
    },
  ],
  // ---- step 6
  [
    'step 6: global staff targeting an unknown user → 406',
    async () => {
      const { course, scope } = await basics();
      const ghost = unique('ghost');
      return {
        headers: await globalStaff(unique('gs')),
        json: body(course.id, { user: ghost, mode: 'verified' }),
        status: 406,
        body: { message: `The user ${ghost} does not exist.` },
        scope,
      };
    },
  ],
  [
    'step 6: API key alone without a user → "The user  does not exist."',
    async () => {
      const { course, scope } = await basics();
      return {
        headers: apiKey,
        json: body(course.id),
        status: 406,
        body: { message: 'The user  does not exist.' },
        scope,
      };
    },
  ],
  [
    'step 6 before 8: unknown user and a bad is_active',
    async () => {
      const { course, scope } = await basics();
      const ghost = unique('ghost');
      return {
        headers: apiKey,
        json: body(course.id, { user: ghost, is_active: 'yes' }),
        status: 406,
        body: { message: `The user ${ghost} does not exist.` },
        scope,
      };
    },
  ],
  // ---- step 7
  [
    'step 7: embargoed by the request country',
    async () => {
      const course = await createCourse({ blockedCountries: ['IR', 'CU'] });
      const user = await createUser();
      return {
        headers: { ...(await learner(user.username)), 'CF-IPCountry': 'CU' },
        json: body(course.id),
        status: 403,
        body: {
          message: `Users from this location cannot access the course '${course.id}'.`,
          user_message_url: BLOCKED_URL,
        },
        scope: { courseIds: [course.id], userIds: [user.id] },
      };
    },
  ],
  [
    "step 7: embargoed by the target's profile country (learner)",
    async () => {
      const course = await createCourse({ blockedCountries: ['IR'] });
      const user = await createUser({ country: 'IR' });
      return {
        headers: { ...(await learner(user.username)), 'CF-IPCountry': 'US' },
        json: body(course.id),
        status: 403,
        body: {
          message: `Users from this location cannot access the course '${course.id}'.`,
          user_message_url: BLOCKED_URL,
        },
        scope: { courseIds: [course.id], userIds: [user.id] },
      };
    },
  ],
  [
    "step 7: embargoed by the target's profile country (API key, D12)",
    async () => {
      const course = await createCourse({ blockedCountries: ['IR'] });
      const user = await createUser({ country: 'IR' });
      return {
        headers: { ...apiKey, 'CF-IPCountry': 'US' },
        json: body(course.id, { user: user.username }),
        status: 403,
        body: {
          message: `Users from this location cannot access the course '${course.id}'.`,
          user_message_url: BLOCKED_URL,
        },
        scope: { courseIds: [course.id], userIds: [user.id] },
      };
    },
  ],
  [
    'step 7: global staff enrolling a learner from a blocked country; also deactivation is refused',
    async () => {
      const course = await createCourse({ blockedCountries: ['IR'] });
      const user = await createUser({ country: 'IR' });
      await enroll(user.id, course.id);
      return {
        headers: await globalStaff(unique('gs')),
        json: body(course.id, { user: user.username, is_active: false }),
        status: 403,
        body: {
          message: `Users from this location cannot access the course '${course.id}'.`,
          user_message_url: BLOCKED_URL,
        },
        scope: { courseIds: [course.id], userIds: [user.id] },
      };
    },
  ],
  [
    'step 7 before 8: embargo and a bad is_active',
    async () => {
      const course = await createCourse({ blockedCountries: ['IR'] });
      const user = await createUser();
      return {
        headers: { ...(await learner(user.username)), 'CF-IPCountry': 'IR' },
        json: body(course.id, { is_active: 'yes' }),
        status: 403,
        body: {
          message: `Users from this location cannot access the course '${course.id}'.`,
          user_message_url: BLOCKED_URL,
        },
        scope: { courseIds: [course.id], userIds: [user.id] },
      };
    },
  ],
  // ---- step 8
  ...(
    [
      ['yes', "'yes' is an invalid enrollment activation status."],
      ['true', "'true' is an invalid enrollment activation status."],
      [1, "'1' is an invalid enrollment activation status."],
      [0, "'0' is an invalid enrollment activation status."],
    ] as const
  ).map(([value, message]): [string, () => Promise<Refusal>] => [
    `step 8: is_active ${JSON.stringify(value)}`,
    async () => {
      const { course, user, scope } = await basics();
      return {
        headers: await learner(user.username),
        json: body(course.id, { is_active: value }),
        status: 400,
        body: { message },
        scope,
      };
    },
  ]),
  [
    'step 8 before 9: bad is_active and bad force_enrollment',
    async () => {
      const { course, user, scope } = await basics();
      return {
        headers: await globalStaff(unique('gs')),
        json: body(course.id, { user: user.username, is_active: 'no', force_enrollment: 'yes' }),
        status: 400,
        body: { message: "'no' is an invalid enrollment activation status." },
        scope,
      };
    },
  ],
  // ---- step 9
  ...(
    [
      ['yes', "'yes' is an invalid force enrollment status."],
      [1, "'1' is an invalid force enrollment status."],
    ] as const
  ).map(([value, message]): [string, () => Promise<Refusal>] => [
    `step 9: force_enrollment ${JSON.stringify(value)}`,
    async () => {
      const { course, user, scope } = await basics();
      return {
        headers: await learner(user.username),
        json: body(course.id, { force_enrollment: value }),
        status: 400,
        body: { message },
        scope,
      };
    },
  ]),
  [
    'step 9 before 10: bad force_enrollment and bad attributes',
    async () => {
      const { course, user, scope } = await basics();
      return {
        headers: await learner(user.username),
        json: body(course.id, { force_enrollment: 'x', enrollment_attributes: [{}] }),
        status: 400,
        body: { message: "'x' is an invalid force enrollment status." },
        scope,
      };
    },
  ],
  // ---- step 10: attributes
  ...(
    [
      ['empty item', [{}], 'namespace'],
      ['no name', [{ namespace: 'credit', value: 'v' }], 'name'],
      ['no value', [{ namespace: 'credit', name: 'provider_id' }], 'value'],
      ['value not a string', [{ namespace: 'credit', name: 'provider_id', value: 5 }], 'value'],
      [
        'second item bad',
        [
          { namespace: 'a', name: 'b', value: 'c' },
          { namespace: 'a', value: 'c' },
        ],
        'name',
      ],
    ] as const
  ).map(([name, attrs, key]): [string, () => Promise<Refusal>] => [
    `step 10: enrollment_attributes ${name}`,
    async () => {
      const { course, user, scope } = await basics();
      const message = `'${key}' not in enrollment attribute`;
      return {
        headers: apiKey,
        json: body(course.id, { user: user.username, enrollment_attributes: attrs }),
        status: 400,
        body: { message, localizedMessage: message },
        scope,
        auditAllowed: true,
      };
    },
  ]),
  [
    'step 10: learner naming a cohort → 403 (D13)',
    async () => {
      const { course, user, scope } = await basics();
      await createCohort(course.id, 'Alpha');
      return {
        headers: await learner(user.username),
        json: body(course.id, { cohort: 'Alpha' }),
        status: 403,
        body: { message: 'Only course staff or a trusted service may choose a cohort.' },
        scope,
      };
    },
  ],
  [
    'step 10: attributes before the cohort rule',
    async () => {
      const { course, user, scope } = await basics();
      return {
        headers: await learner(user.username),
        json: body(course.id, { cohort: 'Alpha', enrollment_attributes: [{ namespace: 'a' }] }),
        status: 400,
        body: { message: "'name' not in enrollment attribute", localizedMessage: "'name' not in enrollment attribute" },
        scope,
      };
    },
  ],
  [
    'step 10: learner naming an unknown cohort → 403, not the cohort-not-found 400',
    async () => {
      const { course, user, scope } = await basics();
      return {
        headers: await learner(user.username),
        json: body(course.id, { cohort: 'Nope' }),
        status: 403,
        body: { message: 'Only course staff or a trusted service may choose a cohort.' },
        scope,
      };
    },
  ],
  [
    'step 10: course staff naming an unknown cohort (sic "occured")',
    async () => {
      const { course, user, scope } = await basics();
      await grantRole(course.id, user.id, 'staff');
      return {
        headers: await learner(user.username),
        json: body(course.id, { cohort: 'Nope' }),
        status: 400,
        body: { message: 'An error occured while adding to cohort [Nope]' },
        scope,
      };
    },
  ],
  [
    'step 10: a cohort of the same name in another course does not count',
    async () => {
      const { course, user, scope } = await basics();
      const other = await createCourse();
      await createCohort(other.id, 'Alpha');
      return {
        headers: await globalStaff(unique('gs')),
        json: body(course.id, { user: user.username, cohort: 'Alpha' }),
        status: 400,
        body: { message: 'An error occured while adding to cohort [Alpha]' },
        scope,
      };
    },
  ],
  [
    'step 10: cohort names match exactly (case)',
    async () => {
      const { course, user, scope } = await basics();
      await createCohort(course.id, 'Alpha');
      return {
        headers: apiKey,
        json: body(course.id, { user: user.username, cohort: 'alpha' }),
        status: 400,
        body: { message: 'An error occured while adding to cohort [alpha]' },
        scope,
        auditAllowed: true,
      };
    },
  ],
  [
    'step 10 (D4): already-enrolled course staff naming an unknown cohort gets 400',
    async () => {
      const { course, user, scope } = await basics();
      await grantRole(course.id, user.id, 'staff');
      await enroll(user.id, course.id);
      return {
        headers: await learner(user.username),
        json: body(course.id, { cohort: 'Nope' }),
        status: 400,
        body: { message: 'An error occured while adding to cohort [Nope]' },
        scope,
      };
    },
  ],
];

describe('E5 POST /enrollment — steps (#e5-steps; first failure answers, nothing written)', () => {
  it.each(cases)('%s', async (_name, setup) => {
    const c = await setup();
    const scope = { ...c.scope, audit: !c.auditAllowed };
    const before = await snapshot(scope);
    const res = await postEnrollment(c.json, c.headers);
    expect(res.status).toBe(c.status);
    expectJson(res);
    expect(res.body).toEqual(c.body);
    expect(await snapshot(scope)).toBe(before);
  });

  it.each([
    ['a JSON array', '[]'],
    ['a JSON string', '"course-v1:a+b+c"'],
    ['a number', '5'],
    ['null', 'null'],
    ['malformed JSON', '{"course_details": '],
  ])('answers 400 JSON for a body that is %s', async (_name, text) => {
    const user = await createUser();
    const res = await call(`${API}/enrollment`, {
      method: 'POST',
      body: text,
      headers: { ...(await learner(user.username)), 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expectJson(res);
  });

  it('ignores unknown fields', async () => {
    const { course, user } = await basics();
    const res = await postEnrollment(
      body(course.id, { surprise: { deep: [1, 2] }, linked_enterprise_customer: 'x' }),
      await learner(user.username),
    );
    expect(res.status).toBe(200);
    expect(res.body.mode).toBe('audit');
  });

  it('lets the API key and global staff target by e-mail (step 3)', async () => {
    for (const headers of [apiKey, await globalStaff(unique('gs'))]) {
      const { course, user } = await basics();
      const res = await postEnrollment(body(course.id, { email: user.email }), headers);
      expect(res.status).toBe(200);
      expect(res.body.user).toBe(user.username);
    }
  });

  it('prefers a non-empty user over email (step 3)', async () => {
    const { course, user } = await basics();
    const other = await createUser();
    const res = await postEnrollment(body(course.id, { user: user.username, email: other.email }), apiKey);
    expect(res.status).toBe(200);
    expect(res.body.user).toBe(user.username);
  });

  it('defaults the target to the caller; user = own name is self (steps 3–4)', async () => {
    const { course, user } = await basics();
    const res = await postEnrollment(
      body(course.id, { user: user.username, mode: 'honor' }),
      await learner(user.username),
    );
    expect(res.status).toBe(200);
    expect(res.body.user).toBe(user.username);
    expect(res.body.mode).toBe('honor');
  });

  it('enrolls a first-time JWT user (created just in time) and treats user "" as the caller', async () => {
    const course = await createCourse();
    const username = unique('jit');
    const res = await postEnrollment(body(course.id, { user: '' }), await learner(username));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user: username, mode: 'audit', is_active: true });
  });

  it('accepts mode null/audit/honor from learners (step 5)', async () => {
    for (const mode of [null, 'audit', 'honor']) {
      const { course, user } = await basics();
      const res = await postEnrollment(body(course.id, { mode }), await learner(user.username));
      expect(res.status, String(mode)).toBe(200);
      expect(res.body.mode).toBe(mode ?? 'audit');
    }
  });

  it('skips the IP-country check for API-key calls (D12)', async () => {
    const course = await createCourse({ blockedCountries: ['IR'] });
    const user = await createUser({ country: 'US' });
    const res = await postEnrollment(body(course.id, { user: user.username }), { ...apiKey, 'CF-IPCountry': 'IR' });
    expect(res.status).toBe(200);
    expect(res.body.is_active).toBe(true);
  });

  it('lets learners in from countries that are not blocked', async () => {
    const course = await createCourse({ blockedCountries: ['IR'] });
    const user = await createUser({ country: 'FR' });
    const res = await postEnrollment(body(course.id), { ...(await learner(user.username)), 'CF-IPCountry': 'DE' });
    expect(res.status).toBe(200);
  });

  it('accepts null for is_active, force_enrollment, enrollment_attributes and cohort (learner)', async () => {
    const { course, user } = await basics();
    const res = await postEnrollment(
      body(course.id, { is_active: null, force_enrollment: null, enrollment_attributes: null, cohort: null }),
      await learner(user.username),
    );
    expect(res.status).toBe(200);
    expect(res.body.is_active).toBe(true);
  });

  it('answers 401 without credentials and 405 for other methods', async () => {
    const { course } = await basics();
    const res = await postEnrollment(body(course.id));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'Authentication credentials were not provided.' });
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const wrong = await call(`${API}/enrollment`, { method });
      expect(wrong.status, method).toBe(405);
      expectJson(wrong);
    }
  });
});
