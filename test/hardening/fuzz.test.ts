import { createExecutionContext, env, SELF, waitOnExecutionContext } from 'cloudflare:test';
import fc from 'fast-check';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import worker from '../../src/index';
import { signHs256, unsignedToken } from '../helpers/auth-keys';
import { createCohort, createCourse, createUser, enroll, markRetired } from '../helpers/fixtures';
import { ADMIN } from '../helpers/provisioning-api';
import { BASE, call } from '../helpers/request';
import { apiKeyHeader, jwtHeader, TEST_API_KEY, tokenFor } from '../helpers/tokens';
import { caseFor, describeCase, type FuzzCase, type Principal, type Secrets, toRequest } from './fuzz/requests';
import type { World } from './fuzz/values';
import { type DbState, dbState, diffStates } from './support/db-state';
import { loadOperations, type OpenApiDocument, type Operation } from './support/openapi';

/**
 * Fuzzing every documented route (issue 6, scope 1). The route set is `/openapi.json` as the Worker
 * serves it, so routes added later are fuzzed without edits. Properties, for every request:
 *   1. status < 500 (501 only where the spec answers it: integration reset switched off);
 *   2. the body is JSON with `Content-Type: application/json` exactly, or empty where the specs
 *      say so (204; E2/E3's "no enrollment" 200; any HEAD);
 *   3. on any 4xx the database is unchanged: row counts of every table (audit included) and a
 *      checksum of the enrollments table.
 * `npm test` runs FUZZ_DEFAULT_RUNS cases with a fixed seed; `npm run test:fuzz` runs FUZZ_RUNS
 * (default 10,000) with a fresh seed (vitest.fuzz.config.ts provides both).
 */
const FUZZ_DEFAULT_RUNS = 300;
const FUZZ_DEFAULT_SEED = 20261125;
const runs = Number(inject('fuzzRuns' as never) ?? FUZZ_DEFAULT_RUNS);
const seed = Number(inject('fuzzSeed' as never) ?? FUZZ_DEFAULT_SEED);

interface Failure {
  property: string;
  count: number;
  example: string;
}

let document: OpenApiDocument;
let operations: Operation[];
let world: World;
let principals: Principal[];
let secrets: Secrets;

beforeAll(async () => {
  ({ document, operations } = await loadOperations());
  const a = await createCourse({ id: 'course-v1:FuzzX+A+2030', modes: [{ slug: 'audit' }, { slug: 'verified' }] });
  const b = await createCourse({ id: 'FuzzOrg/B/2030', modes: [{ slug: 'honor' }] });
  const c = await createCourse({ id: 'course-v1:FuzzX+Invite+2030', inviteOnly: true });
  const d = await createCourse({ id: 'course-v1:FuzzX+Full+2030', maxStudentEnrollmentsAllowed: 1 });
  const learner = await createUser({ username: 'fz_learner' });
  const staff = await createUser({ username: 'fz_staff', isStaff: true });
  const other = await createUser({ username: 'fz_other' });
  const retired = await createUser({ username: 'fz_retired' });
  await markRetired(retired);
  await enroll(learner.id, a.id);
  await enroll(other.id, d.id);
  const cohort = await createCohort(a.id, 'Fuzz Cohort');
  const programUuid = await seedProgram([a.id, c.id], learner.username);
  world = {
    courseIds: [a.id, b.id, c.id, d.id, 'course-v1:FuzzX+Missing+2030'],
    usernames: [learner.username, staff.username, other.username, retired.username, 'nobody_here'],
    emails: [learner.email, staff.email, other.email, 'invitee@example.com'],
    programUuids: programUuid ? [programUuid, '00000000-1111-2222-3333-444444444444'] : [],
    cohortNames: [cohort.name],
  };
  principals = [
    { name: 'anonymous', headers: {} },
    { name: 'learner', headers: await jwtHeader(learner.username) },
    { name: 'global staff', headers: await jwtHeader(staff.username, { administrator: true }) },
    { name: 'API key', headers: apiKeyHeader },
  ];
  secrets = {
    apiKey: TEST_API_KEY,
    badTokens: [
      unsignedToken(staff.username),
      await tokenFor(staff.username, { administrator: true, secret: 'not-the-secret' }),
      await tokenFor(staff.username, { administrator: true, expiresIn: Math.floor(Date.now() / 1000) - 60 }),
      await tokenFor(staff.username, { administrator: true, audience: 'another-audience' }),
      await tokenFor(staff.username, { administrator: true, issuer: 'https://evil.example.com/oauth2' }),
      await signHs256(staff.username, { notBefore: 3600 }),
      await signHs256(null, { claims: { administrator: true } }),
    ],
  };
  // Let the JWT principals sync their accounts once, so the fuzz compares steady states.
  for (const p of principals) await SELF.fetch(`${BASE}/api/enrollment/v1/roles/`, { headers: p.headers });
}, 60_000);

/**
 * A catalog program of org FuzzX (SSO slug `fuzzx-sso`) over `runs`, with `learner` linked to
 * external key `fz-key-1` and `enrolled` in it; null while the program endpoints are not served.
 */
async function seedProgram(runs: string[], learner: string): Promise<string | null> {
  const uuid = 'f0220000-0000-4000-8000-000000000001';
  const put = (path: string, json: unknown) => call(`${ADMIN}${path}`, { method: 'PUT', headers: apiKeyHeader, json });
  const org = await put('/organizations/FuzzX', { name: 'Fuzz University', sso_provider_slug: 'fuzzx-sso' });
  if (org.status === 404 || org.status === 405) return null;
  const curriculum = 'aaaaaaaa-1111-2222-3333-444444444444';
  const courses = runs.map((key) => ({ key: `course-${key}`, course_runs: [{ key }] }));
  const steps = [
    org,
    await put(`/programs/${uuid}`, {
      title: 'Fuzzing Masters',
      type: 'Masters',
      marketing_slug: 'fuzz-masters',
      authoring_organizations: [{ key: 'FuzzX' }],
      curricula: [{ uuid: curriculum, is_active: true, courses }],
    }),
    await put(`/users/${learner}/external-ids/fuzzx-sso`, { external_user_key: 'fz-key-1' }),
    await call(`/api/program_enrollments/v1/programs/${uuid}/enrollments/`, {
      method: 'POST',
      headers: await jwtHeader('fz_staff', { administrator: true }),
      json: [{ student_key: 'fz-key-1', status: 'enrolled', curriculum_uuid: curriculum }],
    }),
  ];
  for (const step of steps) if (step.status >= 300) throw new Error(`program seed: ${step.status} ${step.text}`);
  return uuid;
}

/** One authenticated request per JWT principal: their accounts are in step with their tokens again. */
async function settle() {
  for (const p of principals) {
    if (!p.headers.Authorization) continue;
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request(`${BASE}/api/enrollment/v1/roles/`, { headers: p.headers }), env, ctx);
    await waitOnExecutionContext(ctx);
    await res.text();
  }
}

/** Where an empty body is what the specs answer. */
function emptyBodyAllowed(c: FuzzCase, status: number): boolean {
  if (c.method === 'HEAD' || status === 204) return true;
  const path = c.target.split(/[?#]/)[0] ?? '';
  return status === 200 && c.method === 'GET' && path.startsWith('/api/enrollment/v1/enrollment/');
}

/** 5xx the specs define: the integration reset answers 501 while ENABLE_ENROLLMENT_RESET is off. */
const specifiedServerError = (c: FuzzCase, status: number) =>
  status === 501 && c.target.startsWith('/api/program_enrollments/v1/integration-reset');

describe('fuzz: every documented route', () => {
  it(
    `${runs} random requests: no 5xx, JSON bodies, nothing changes on a 4xx`,
    async () => {
      expect(operations.length).toBeGreaterThan(0);
      const failures = new Map<string, Failure>();
      const statuses = new Map<string, number>();
      let sent = 0;
      let unbuildable = 0;
      const fail = (property: string, c: FuzzCase, detail: string) => {
        const key = `${c.operation} · ${property}`;
        const known = failures.get(key);
        if (known) known.count += 1;
        else failures.set(key, { property, count: 1, example: `${describeCase(c)}\n      → ${detail}` });
      };

      const arbitrary = fc.oneof(...operations.map((op) => caseFor(document, world, op, principals, secrets)));
      let state: DbState = await dbState();
      // The Worker logs one JSON line per request (and warnings): keep them out of the test output.
      const { log, warn, error } = console;
      console.log = () => {};
      console.warn = () => {};
      console.error = () => {};
      try {
        await fc.assert(
          fc.asyncProperty(arbitrary, async (c) => {
            const request = toRequest(BASE, c);
            if (!request) {
              unbuildable += 1;
              return;
            }
            let status: number;
            let text: string;
            let contentType: string | null;
            try {
              // The Worker module itself, not SELF: pool-workers 0.15 nests one more Proxy per SELF
              // call (cloudflare/workers-sdk#15092), which slows down and overflows the stack after
              // ~1,800 requests in one file.
              const ctx = createExecutionContext();
              const res = await worker.fetch(request, env, ctx);
              await waitOnExecutionContext(ctx);
              status = res.status;
              contentType = res.headers.get('Content-Type');
              text = await res.text();
            } catch (error) {
              fail('the request failed', c, String(error));
              return;
            }
            sent += 1;
            if (sent % 2000 === 0) warn(`fuzz: ${sent}/${runs}`);
            const bucket = `${c.operation} ${Math.floor(status / 100)}xx`;
            statuses.set(bucket, (statuses.get(bucket) ?? 0) + 1);

            if (status >= 500 && !specifiedServerError(c, status)) fail(`status ${status}`, c, text.slice(0, 300));
            if (text === '') {
              if (!emptyBodyAllowed(c, status)) fail(`empty body with ${status}`, c, `Content-Type ${contentType}`);
            } else {
              try {
                JSON.parse(text);
              } catch {
                fail(`non-JSON body with ${status}`, c, `${contentType}: ${text.slice(0, 200)}`);
              }
              if (contentType !== 'application/json') fail(`Content-Type ${contentType}`, c, text.slice(0, 200));
            }
            const after = await dbState();
            if (status >= 400 && status < 500) {
              const changes = diffStates(state, after);
              if (changes.length) fail(`${status} changed the database`, c, changes.join('; '));
            }
            state = after;
            if (status < 300) {
              // A success may have changed a principal's account (e.g. a provisioning PUT of its
              // e-mail); the next JWT of that principal then re-syncs it at authentication, which may
              // realise allowances (docs/api/conventions.md#jit-users). Settle that here, so the next case's
              // 4xx is judged on what the request itself did.
              await settle();
              state = await dbState();
            }
          }),
          { numRuns: runs, seed, endOnFailure: true },
        );
      } finally {
        Object.assign(console, { log, warn, error });
      }

      const summary = [...statuses.entries()].sort(([a], [b]) => a.localeCompare(b));
      console.warn(
        `fuzz: ${sent} requests sent (${unbuildable} not buildable by fetch), seed ${seed}, ${operations.length} operations\n` +
          summary.map(([k, n]) => `  ${k}: ${n}`).join('\n'),
      );
      const report = [...failures.values()].map(
        (f) => `- ${f.property} (${f.count}×)\n    ${f.example.replaceAll('\n', '\n    ')}`,
      );
      expect(report, `fuzz seed ${seed}: ${failures.size} distinct failures`).toEqual([]);
      expect(sent + unbuildable).toBe(runs);
    },
    Math.max(120_000, runs * 200),
  );
});
