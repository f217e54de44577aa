import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import worker from '../../src/index';
import { jwkSetVar, type SigningKey, signHs256, signingKey, signWith, unsignedToken } from '../helpers/auth-keys';
import { BASE, call, unique } from '../helpers/request';
import { AUDIENCE, ISSUER, TEST_API_KEY } from '../helpers/tokens';

// Authentication failures carry their reason in the request's log line (docs/operations.md#auth-errors);
// the answers stay upstream's.
const ROLES = '/api/enrollment/v1/roles/';
const ADMIN_LIST = '/api/enrollment/v1/enrollments';
const NOT_DECODED = { detail: 'Error decoding signature.' };
const NOT_PROVIDED = { detail: 'Authentication credentials were not provided.' };

let log: MockInstance<typeof console.log>;
afterEach(() => log?.mockRestore());

/**
 * The request's one log line, found by its request id. Waited for: an isolate's first line is
 * written just after its response (src/middleware/log-line.ts).
 */
function logLine(requestId: string): Promise<Record<string, unknown>> {
  return vi.waitFor(() => {
    const lines = log.mock.calls
      .map(([line]) => (typeof line === 'string' && line.includes(requestId) ? JSON.parse(line) : null))
      .filter((line) => line?.requestId === requestId && 'status' in line);
    expect(lines).toHaveLength(1);
    return lines[0];
  });
}

async function refusal(headers: Record<string, string>, path = ROLES) {
  log = vi.spyOn(console, 'log');
  const requestId = unique('authlog-');
  const res = await call(path, { headers: { ...headers, 'X-Request-Id': requestId } });
  return { status: res.status, body: res.body, line: await logLine(requestId) };
}

const jwt = async (token: string | Promise<string>) => ({ Authorization: `JWT ${await token}` });

describe('auth_error in the log line', () => {
  it('a Tutor-style token (iss https://lms.example.com/oauth2, aud openedx): iss mismatch naming what came', async () => {
    const token = signHs256('tutor', { issuer: 'https://lms.example.com/oauth2', audience: 'openedx' });
    const { status, body, line } = await refusal(await jwt(token));
    expect(status).toBe(401);
    expect(body).toEqual(NOT_DECODED);
    expect(line).toMatchObject({
      status: 401,
      principal: 'anonymous',
      auth_error: 'iss mismatch',
      auth_received: 'https://lms.example.com/oauth2',
      auth_expected: ISSUER,
    });
  });

  it('aud mismatch names the received aud', async () => {
    const { body, line } = await refusal(await jwt(signHs256('a', { audience: 'openedx' })));
    expect(body).toEqual(NOT_DECODED);
    expect(line).toMatchObject({ auth_error: 'aud mismatch', auth_received: 'openedx', auth_expected: AUDIENCE });
  });

  it('expired, not yet valid, signature, alg not allowed, malformed, missing username', async () => {
    const cases: [Record<string, string>, string, unknown][] = [
      [await jwt(signHs256('a', { expiresIn: -60 })), 'expired', { detail: 'Signature has expired.' }],
      [await jwt(signHs256('a', { notBefore: 3600 })), 'not yet valid', NOT_DECODED],
      [await jwt(signHs256('a', { secret: 'another-secret' })), 'signature', NOT_DECODED],
      [await jwt(unsignedToken('a')), 'alg not allowed', NOT_DECODED],
      [await jwt('not.a.token'), 'malformed', NOT_DECODED],
      [await jwt(signHs256(null)), 'missing username', { detail: 'Invalid payload: preferred_username is required.' }],
      [
        { Authorization: 'JWT' },
        'malformed header',
        { detail: 'Invalid Authorization header. No credentials provided.' },
      ],
      [{}, 'no credentials', NOT_PROVIDED],
      [{ 'X-Edx-Api-Key': `${TEST_API_KEY}-old` }, 'api key mismatch', NOT_PROVIDED],
    ];
    for (const [headers, reason, answer] of cases) {
      const { status, body, line } = await refusal(headers);
      expect({ status, body, reason: line.auth_error }).toEqual({ status: 401, body: answer, reason });
      expect(line).not.toHaveProperty('auth_received', expect.stringContaining('.')); // never the token
    }
  });

  it('alg not allowed names the algorithm; the API key on a JWT-only endpoint is named too', async () => {
    expect((await refusal(await jwt(unsignedToken('a')))).line.auth_received).toBe('none');
    const { status, body, line } = await refusal({ 'X-Edx-Api-Key': TEST_API_KEY }, ADMIN_LIST);
    expect({ status, body }).toEqual({ status: 401, body: { developer_message: NOT_PROVIDED.detail } });
    expect(line.auth_error).toBe('api key not accepted here');
  });

  it('no auth_error on an accepted request', async () => {
    const { status, line } = await refusal(await jwt(signHs256(unique('authok'))));
    expect(status).toBe(200);
    expect(line).not.toHaveProperty('auth_error');
    expect(line).not.toHaveProperty('auth_received');
  });
});

describe('auth_error with a JWK set', () => {
  let key: SigningKey;
  let unknown: SigningKey;
  beforeAll(async () => {
    [key, unknown] = await Promise.all([signingKey('RS256', 'log-1'), signingKey('RS256', 'log-2')]);
  });

  it('a kid the set does not hold: unknown kid, naming it', async () => {
    log = vi.spyOn(console, 'log');
    const requestId = unique('authkid-');
    const ctx = createExecutionContext();
    const headers = { Authorization: `JWT ${await signWith(unknown, 'a')}`, 'X-Request-Id': requestId };
    const scenario = { ...env, JWT_PUBLIC_SIGNING_JWK_SET: jwkSetVar(key) };
    const res = await worker.fetch(new Request(`${BASE}${ROLES}`, { headers }), scenario, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(NOT_DECODED);
    expect(await logLine(requestId)).toMatchObject({ auth_error: 'unknown kid', auth_received: 'log-2' });
  });
});
