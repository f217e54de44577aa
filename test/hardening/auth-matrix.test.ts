import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { exportSPKI } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { jwkSetVar, type SigningKey, signHs256, signingKey, signWith, unsignedToken } from '../helpers/auth-keys';
import { BASE, unique } from '../helpers/request';
import { TEST_API_KEY, tokenFor } from '../helpers/tokens';
import table from './authz-matrix.json';
import { loadOperations, type Operation } from './support/openapi';

/**
 * Authentication matrix (issue 6, scope 2), through HTTP: every forged, stale or malformed
 * credential is refused with 401 (WWW-Authenticate, the endpoint's error shape) on each style of
 * endpoint, and never creates a user. The worker runs with both an HS256 secret and a JWK set
 * (`both`), or with the JWK set only (`jwksOnly`, the key-confusion setting).
 *
 * Already covered identically elsewhere, so not repeated here:
 * - expired HS256 token on E6 → 401 "Signature has expired." (test/auth/auth-http.test.ts)
 * - HS256 signed with another secret; a bad token with a valid API key (test/auth/auth-http.test.ts,
 *   test/enrollments/enrollment-security.test.ts)
 * - API key wrong by one character / in the query string on E6 and GET /users (test/auth/auth-http.test.ts;
 *   extended below to every operation that accepts the key)
 * - verifyJwt unit cases (test/auth/jwt.test.ts); the cases below are the HTTP side of them.
 */

/** One endpoint of each error style (docs/api/conventions.md#errors; docs/api/enrollments.md#callers, #e8; docs/api/programs.md#access). */
const ENDPOINTS = [
  { name: 'E6 roles (detail)', path: '/api/enrollment/v1/roles/', body: (m: string) => ({ detail: m }) },
  {
    name: 'E8 admin list (developer)',
    path: '/api/enrollment/v1/enrollments/',
    body: (m: string) => ({ developer_message: m }),
  },
  {
    name: 'provisioning GET user (service)',
    path: '/api/admin/v1/users/nobody',
    body: (m: string) => ({ error_code: 'not_authenticated', developer_message: m }),
  },
  {
    name: 'program access list (developer)',
    path: '/api/program_enrollments/v1/programs/enrollments/',
    body: (m: string) => ({ developer_message: m }),
  },
] as const;

let rsa: SigningKey;
let ec: SigningKey;
let stranger: SigningKey;
let both: Env;
let jwksOnly: Env;
let operations: Operation[];

beforeAll(async () => {
  [rsa, ec, stranger] = await Promise.all([
    signingKey('RS256', 'hard-rsa'),
    signingKey('ES256', 'hard-ec'),
    signingKey('RS256', 'hard-rsa'), // same kid as the trusted key, other key material
  ]);
  const jwks = jwkSetVar(rsa, ec);
  // JWT_PUBLIC_SIGNING_JWK_SET is a secret, absent from the generated Env type.
  both = { ...env, JWT_PUBLIC_SIGNING_JWK_SET: jwks } as Env;
  jwksOnly = { ...env, JWT_SECRET_KEY: '', JWT_PUBLIC_SIGNING_JWK_SET: jwks } as Env;
  ({ operations } = await loadOperations());
}, 60_000);

async function send(scenario: Env, path: string, headers: Record<string, string>) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${BASE}${path}`, { headers }), scenario, ctx);
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : null };
}

const storedUser = (username: string) =>
  env.DB.prepare('SELECT id FROM users WHERE username = ?').bind(username).first<{ id: number }>();

/**
 * `authorization` is refused with 401 on every endpoint style, with WWW-Authenticate and a string
 * message in the endpoint's shape, and the token's username is not created.
 */
async function expectRefused(scenario: Env, authorization: string, username?: string) {
  for (const endpoint of ENDPOINTS) {
    const res = await send(scenario, endpoint.path, { Authorization: authorization });
    expect(res.status, `${endpoint.name}: ${res.text}`).toBe(401);
    expect(res.headers.get('WWW-Authenticate'), endpoint.name).toBe('JWT realm="api"');
    expect(res.headers.get('Content-Type')).toBe('application/json');
    const message = (res.body.detail ?? res.body.developer_message) as string;
    expect(typeof message, endpoint.name).toBe('string');
    expect(res.body, endpoint.name).toEqual(endpoint.body(message));
  }
  if (username) expect(await storedUser(username)).toBeNull();
}

/** The same scenario accepts a well-formed token: the refusals are about the token, not the setup. */
async function expectAccepted(scenario: Env, authorization: string) {
  const res = await send(scenario, '/api/enrollment/v1/roles/', { Authorization: authorization });
  expect(res.status, res.text).toBe(200);
}

describe('authentication matrix: JWTs', { timeout: 30_000 }, () => {
  it('alg none → 401 (secret configured, JWK set configured, or both)', async () => {
    for (const scenario of [env, both, jwksOnly]) {
      const username = unique('none');
      await expectRefused(scenario, `JWT ${unsignedToken(username)}`, username);
    }
  });

  it('HS256 when only a JWK set is configured (key confusion) → 401', async () => {
    await expectAccepted(jwksOnly, `JWT ${await signWith(rsa, unique('ok'))}`);
    const username = unique('confused');
    // The classic attack: the public key's bytes as the HMAC secret; and the old shared secret.
    for (const secret of [
      await exportSPKI(rsa.publicKey),
      JSON.stringify(rsa.publicJwk),
      rsa.publicJwk.n as string,
      'test-jwt-secret',
    ]) {
      await expectRefused(jwksOnly, `JWT ${await signHs256(username, { secret, claims: { administrator: true } })}`);
    }
    expect(await storedUser(username)).toBeNull();
  });

  it('RS256 signed by another key under a trusted kid → 401', async () => {
    await expectAccepted(both, `JWT ${await signWith(rsa, unique('ok'))}`);
    const username = unique('stranger');
    await expectRefused(both, `JWT ${await signWith(stranger, username)}`, username);
    await expectRefused(jwksOnly, `JWT ${await signWith(stranger, username)}`, username);
  });

  it('unknown kid → 401', async () => {
    const username = unique('kid');
    await expectRefused(both, `JWT ${await signWith(rsa, username, { kid: 'no-such-kid' })}`, username);
    // A signature of the wrong key type under a known kid, too.
    await expectRefused(both, `JWT ${await signWith(ec, username, { kid: rsa.kid })}`, username);
  });

  it('expired → 401 (RS256 and ES256; HS256 is covered in test/auth/auth-http.test.ts)', async () => {
    const username = unique('expired');
    await expectRefused(both, `JWT ${await signWith(rsa, username, { expiresIn: -30 })}`, username);
    await expectRefused(both, `JWT ${await signWith(ec, username, { expiresIn: -30 })}`, username);
    // And a token without exp at all.
    await expectRefused(both, `JWT ${await signHs256(username, { expiresIn: null })}`, username);
  });

  it('not yet valid (nbf an hour ahead) → 401', async () => {
    const username = unique('nbf');
    await expectRefused(both, `JWT ${await signHs256(username, { notBefore: 3600 })}`, username);
    await expectRefused(both, `JWT ${await signWith(rsa, username, { notBefore: 3600 })}`, username);
  });

  it('wrong iss → 401', async () => {
    const username = unique('iss');
    await expectRefused(
      both,
      `JWT ${await signHs256(username, { issuer: 'https://evil.example.com/oauth2' })}`,
      username,
    );
    await expectRefused(both, `JWT ${await signWith(rsa, username, { issuer: 'http://localhost:18000/oauth' })}`);
  });

  it('wrong aud → 401', async () => {
    const username = unique('aud');
    await expectRefused(both, `JWT ${await signHs256(username, { audience: 'another-audience' })}`, username);
    await expectRefused(both, `JWT ${await signWith(ec, username, { audience: 'lms-key-other' })}`, username);
  });

  it('missing preferred_username → 401', async () => {
    await expectRefused(
      both,
      `JWT ${await signHs256(null, { claims: { administrator: true, email: 'x@example.com' } })}`,
    );
    await expectRefused(both, `JWT ${await signWith(rsa, null, { claims: { administrator: true } })}`);
    await expectRefused(both, `JWT ${await signHs256(null, { claims: { preferred_username: '' } })}`);
    await expectRefused(both, `JWT ${await signHs256(null, { claims: { preferred_username: ['a'] } })}`);
  });

  it('malformed base64 → 401', async () => {
    const username = unique('b64');
    const [header, payload, signature] = (await signHs256(username)).split('.') as [string, string, string];
    for (const token of [
      `${header}.${payload.slice(0, -3)}*!~.${signature}`,
      `${header}.${payload}.${signature.slice(0, -2)}`,
      `${header}=.${payload}.${signature}`,
      `${header}.${payload}.${signature}%%`,
      `!!!.${payload}.${signature}`,
      `${btoa('{"alg":"HS256"')}.${payload}.${signature}`,
      '....',
      'e30.e30.',
    ]) {
      await expectRefused(both, `JWT ${token}`, username);
    }
  });

  it('extra segments → 401', async () => {
    const username = unique('segments');
    const good = await signHs256(username);
    for (const token of [`${good}.extra`, `${good}.`, `${good}.a.b`, `.${good}`]) {
      await expectRefused(both, `JWT ${token}`, username);
    }
    await expectAccepted(both, `JWT ${good}`);
  });

  it('both JWT and Bearer prefixes → 401', async () => {
    const username = unique('prefixes');
    const token = await tokenFor(username);
    for (const authorization of [`JWT Bearer ${token}`, `Bearer JWT ${token}`, `JWT JWT ${token}`]) {
      await expectRefused(env, authorization, username);
    }
    // Two Authorization headers (fetch joins them with ", "): neither counts.
    const headers = new Headers();
    headers.append('Authorization', `JWT ${token}`);
    headers.append('Authorization', `Bearer ${token}`);
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request(`${BASE}/api/enrollment/v1/roles/`, { headers }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(401);
    expect(await storedUser(username)).toBeNull();
  });
});

describe('authentication matrix: the API key', { timeout: 30_000 }, () => {
  /** Every documented operation that requires credentials and accepts the key, with a harmless target. */
  const keyed = () =>
    operations
      .filter((op) => op.security.some((requirement) => 'ApiKey' in requirement))
      // Public operations (an empty requirement, e.g. E1: the key only exempts from the throttle).
      .filter((op) => !op.security.some((requirement) => Object.keys(requirement).length === 0))
      .map((op) => ({
        op,
        path: op.path
          .replace('{course_id}', 'course-v1:KeyX+K+1')
          .replace('{username}', 'nobody')
          .replace(/\{[^}]+\}/g, 'x'),
      }));

  it('the document and the authorization matrix agree: same operations, same credentials', () => {
    // Every documented operation is a row of authz-matrix.json, and every row is documented.
    const rowOf = new Map(table.rows.map((row) => [row.operation, row]));
    expect([...rowOf.keys()].sort(), 'authz-matrix.json rows vs /openapi.json').toEqual(
      operations.map((op) => op.key).sort(),
    );
    const column = (key: string) => {
      const index = table.principals.findIndex((p) => p.key === key);
      if (index < 0) throw new Error(`authz-matrix.json has no principal ${key}`);
      return index;
    };
    const anonymous = column('anonymous');
    const apiKey = column('API key');
    const jwtPrincipals = table.principals.filter((p) => p.key !== 'anonymous' && p.key !== 'API key');
    for (const op of operations) {
      const expected = rowOf.get(op.key)?.expected ?? [];
      // Each requirement names one scheme (or none: callable without credentials).
      const schemes = op.security.map((requirement) => Object.keys(requirement).sort().join('+'));
      expect(schemes.length, `${op.key}: no security`).toBeGreaterThan(0);
      // The JWT cookie pair is the same JWT as `JwtAuth`, from a browser: it always comes with it.
      const cookies = 'JwtCookie+JwtCookieSignature+UseJwtCookie';
      for (const scheme of schemes)
        expect(['', 'ApiKey', 'JwtAuth', cookies], `${op.key}: ${scheme}`).toContain(scheme);
      expect(schemes.includes(cookies), `${op.key}: cookies beside JwtAuth`).toBe(schemes.includes('JwtAuth'));
      const open = schemes.includes('');
      // A cell is 401 exactly when the document does not admit that kind of credential.
      expect(expected[anonymous] !== 401, `${op.key}: anonymous ${expected[anonymous]}`).toBe(open);
      expect(expected[apiKey] !== 401, `${op.key}: API key alone ${expected[apiKey]}`).toBe(
        open || schemes.includes('ApiKey'),
      );
      for (const principal of jwtPrincipals) {
        const status = expected[column(principal.key)];
        expect(status !== 401, `${op.key}: ${principal.key} ${status}`).toBe(open || schemes.includes('JwtAuth'));
      }
    }
    // The operations the key cases below iterate over are the matrix's credentialed, key-accepting rows.
    const keyRows = table.rows.filter((row) => row.expected[anonymous] === 401 && row.expected[apiKey] !== 401);
    expect(
      keyed()
        .map(({ op }) => op.key)
        .sort(),
    ).toEqual(keyRows.map((row) => row.operation).sort());
    expect(keyed().length).toBeGreaterThan(10);
  });

  it('a key wrong by one character → 401 on every operation that accepts the key', async () => {
    const wrong = `${TEST_API_KEY.slice(0, -1)}${TEST_API_KEY.endsWith('x') ? 'y' : 'x'}`;
    for (const { op, path } of keyed()) {
      const ctx = createExecutionContext();
      const res = await worker.fetch(
        new Request(`${BASE}${path}`, {
          method: op.method,
          headers: { 'X-Edx-Api-Key': wrong, 'Content-Type': 'application/json' },
          body: op.method === 'GET' ? undefined : '{}',
        }),
        env,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      expect(res.status, `${op.key}: ${await res.text()}`).toBe(401);
    }
  });

  it('the key in the query string does not count, on every operation that accepts the key', async () => {
    for (const { op, path } of keyed()) {
      for (const query of [`X-Edx-Api-Key=${TEST_API_KEY}`, `api_key=${TEST_API_KEY}`]) {
        const ctx = createExecutionContext();
        const res = await worker.fetch(
          new Request(`${BASE}${path}?${query}`, {
            method: op.method,
            headers: { 'Content-Type': 'application/json' },
            body: op.method === 'GET' ? undefined : '{}',
          }),
          env,
          ctx,
        );
        await waitOnExecutionContext(ctx);
        expect(res.status, `${op.key}?${query}`).toBe(401);
      }
    }
  });
});
