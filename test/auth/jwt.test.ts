import { exportSPKI } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { JwtError, verifyJwt } from '../../src/auth/jwt';
import type { Config } from '../../src/config';
import {
  configFrom,
  jwkSetVar,
  type SigningKey,
  signHs256,
  signingKey,
  signWith,
  unsignedToken,
} from '../helpers/auth-keys';
import { TEST_SECRET } from '../helpers/tokens';

let rsa: SigningKey;
let rsa2: SigningKey;
let rs512: SigningKey;
let ec: SigningKey;
let stranger: SigningKey;
/** HS256 secret and a JWK set with two RSA keys, an RS512 key and an EC key. */
let both: Config;
/** Only the JWK set: HS256 tokens must be refused whatever they are signed with. */
let jwksOnly: Config;
/** Only the HS256 secret. */
let secretOnly: Config;

beforeAll(async () => {
  [rsa, rsa2, rs512, ec, stranger] = await Promise.all([
    signingKey('RS256', 'rsa-1'),
    signingKey('RS256', 'rsa-2'),
    signingKey('RS512', 'rsa-512'),
    signingKey('ES256', 'ec-1'),
    signingKey('RS256', 'rsa-1'), // same kid as a trusted key, different key material
  ]);
  const jwks = jwkSetVar(rsa, rsa2, rs512, ec);
  both = configFrom({ JWT_SECRET_KEY: TEST_SECRET, JWT_PUBLIC_SIGNING_JWK_SET: jwks });
  jwksOnly = configFrom({ JWT_PUBLIC_SIGNING_JWK_SET: jwks });
  secretOnly = configFrom({ JWT_SECRET_KEY: TEST_SECRET });
});

async function refused(token: string | Promise<string>, config: Config = both): Promise<JwtError> {
  const error = await verifyJwt(await token, config).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(JwtError);
  return error as JwtError;
}

describe('verifyJwt: accepted tokens', () => {
  it('valid HS256 with JWT_SECRET_KEY', async () => {
    const claims = await verifyJwt(await signHs256('alice'), both);
    expect(claims.username).toBe('alice');
    expect((await verifyJwt(await signHs256('alice'), secretOnly)).username).toBe('alice');
  });

  it('valid RS256, key chosen by kid', async () => {
    expect((await verifyJwt(await signWith(rsa, 'bob'), both)).username).toBe('bob');
    expect((await verifyJwt(await signWith(rsa2, 'bob2'), jwksOnly)).username).toBe('bob2');
  });

  it('valid RS512 by kid', async () => {
    expect((await verifyJwt(await signWith(rs512, 'rick'), jwksOnly)).username).toBe('rick');
  });

  it('valid ES256', async () => {
    expect((await verifyJwt(await signWith(ec, 'eve'), jwksOnly)).username).toBe('eve');
  });
});

describe('verifyJwt: refused tokens (JwtError)', () => {
  it('alg none', async () => {
    await refused(unsignedToken('mallory'), both);
    await refused(unsignedToken('mallory'), secretOnly);
    await refused(unsignedToken('mallory'), jwksOnly);
  });

  it('HS256 when only a JWK set is configured (key confusion)', async () => {
    // The classic attack: use the public key's bytes as the HMAC secret.
    const pem = await exportSPKI(rsa.publicKey);
    await refused(signHs256('mallory', { secret: pem }), jwksOnly);
    await refused(signHs256('mallory', { secret: JSON.stringify(rsa.publicJwk) }), jwksOnly);
    await refused(signHs256('mallory', { secret: rsa.publicJwk.n as string }), jwksOnly);
    await refused(signHs256('mallory'), jwksOnly);
  });

  it('HS256 signed with another secret', async () => {
    await refused(signHs256('mallory', { secret: 'not-the-secret' }), both);
  });

  it('RS256 signed by another key under a trusted kid', async () => {
    await refused(signWith(stranger, 'mallory'), both);
  });

  it('unknown kid', async () => {
    await refused(signWith(rsa, 'mallory', { kid: 'no-such-kid' }), both);
  });

  it('a token whose algorithm does not fit the key of its kid (wrong key type)', async () => {
    // ES256 signature presented under the RSA key's kid, and RS256 under the EC key's kid.
    await refused(signWith(ec, 'mallory', { kid: rsa.kid }), both);
    await refused(signWith(rsa, 'mallory', { kid: ec.kid }), both);
  });

  it('RS256 when no JWK set is configured', async () => {
    await refused(signWith(rsa, 'mallory'), secretOnly);
  });

  it('an algorithm outside HS256/RS256/RS512/ES256', async () => {
    const hs512 = await signHs256('mallory');
    const [, payload, signature] = hs512.split('.');
    const header = btoa(JSON.stringify({ alg: 'HS512', typ: 'JWT' })).replace(/=+$/, '');
    await refused(`${header}.${payload}.${signature}`, both);
  });

  it('expired', async () => {
    const error = await refused(signHs256('alice', { expiresIn: -10 }), both);
    expect(error.message).toBe('Signature has expired.');
    await refused(signWith(rsa, 'alice', { expiresIn: -10 }), both);
  });

  it('without exp', async () => {
    await refused(signHs256('alice', { expiresIn: null }), both);
  });

  it('not yet valid (nbf in the future)', async () => {
    await refused(signHs256('alice', { notBefore: 3600 }), both);
    await refused(signWith(ec, 'alice', { notBefore: 3600 }), both);
  });

  it('wrong iss', async () => {
    await refused(signHs256('alice', { issuer: 'https://evil.example.com/oauth2' }), both);
    await refused(signWith(rsa, 'alice', { issuer: 'https://evil.example.com/oauth2' }), both);
  });

  it('wrong aud', async () => {
    await refused(signHs256('alice', { audience: 'another-audience' }), both);
    await refused(signWith(rsa, 'alice', { audience: 'another-audience' }), both);
  });

  it('missing or unusable preferred_username', async () => {
    const error = await refused(signHs256(null, { claims: { email: 'x@example.com' } }), both);
    expect(error.message).toMatch(/preferred_username/);
    await refused(signHs256('', {}), both);
    await refused(signHs256('has space', {}), both);
    await refused(signHs256(null, { claims: { preferred_username: 42 } }), both);
    await refused(signHs256('x'.repeat(151), {}), both);
  });

  it('malformed base64 / not a JWT', async () => {
    for (const token of ['', 'not-a-jwt', 'a.b.c', '!!!.###.$$$', 'eyJhbGciOiJIUzI1NiJ9', 'e30.e30.', '..']) {
      await refused(token, both);
    }
    const good = await signHs256('alice');
    const [header, payload, signature] = good.split('.') as [string, string, string];
    await refused(`${header}.${payload.slice(0, -3)}*!~.${signature}`, both);
    await refused(`${header}.${payload}.${signature.slice(0, -2)}`, both);
  });

  it('extra segments', async () => {
    const good = await signHs256('alice');
    await refused(`${good}.extra`, both);
    await refused(`${good}.`, both);
    await refused(`${good}.a.b`, both);
  });
});

describe('verifyJwt: claims mapping', () => {
  it('maps email, administrator, is_restricted, scopes and filters', async () => {
    const token = await signHs256('carol', {
      claims: {
        email: 'carol@university.example',
        administrator: true,
        is_restricted: true,
        scopes: ['enrollments:read', 7, 'user_id'],
        filters: ['content_org:edX', 'user:me'],
      },
    });
    expect(await verifyJwt(token, both)).toEqual({
      username: 'carol',
      email: 'carol@university.example',
      administrator: true,
      isRestricted: true,
      scopes: ['enrollments:read', 'user_id'],
      filters: ['content_org:edX', 'user:me'],
    });
  });

  it('defaults: no email → "", non-boolean flags → false, missing lists → []', async () => {
    const token = await signHs256(null, {
      claims: { preferred_username: 'dave', administrator: 'true', is_restricted: 1, scopes: 'read' },
    });
    expect(await verifyJwt(token, both)).toEqual({
      username: 'dave',
      email: '',
      administrator: false,
      isRestricted: false,
      scopes: [],
      filters: [],
    });
  });

  it('the same mapping for asymmetric tokens', async () => {
    const claims = await verifyJwt(await signWith(ec, 'erin', { claims: { administrator: true } }), both);
    expect(claims).toMatchObject({ username: 'erin', email: 'erin@example.com', administrator: true });
  });
});
