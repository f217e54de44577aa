import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { loadConfig } from '../../src/config';
import { AUDIENCE, ISSUER, TEST_SECRET } from './tokens';

export interface SigningKey {
  kid: string;
  alg: 'RS256' | 'RS512' | 'ES256';
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

/** A fresh asymmetric key pair whose public half carries `kid` (and `alg`, as edX's JWKS does). */
export async function signingKey(alg: SigningKey['alg'], kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A Config from env-like vars, parsed the way the worker parses its env. */
export const configFrom = (vars: Record<string, string>) => loadConfig({ ...vars } as unknown as Env);

export const jwkSetVar = (...keys: SigningKey[]) => JSON.stringify({ keys: keys.map((k) => k.publicJwk) });

export interface ClaimsOptions {
  claims?: Record<string, unknown>;
  issuer?: string;
  audience?: string;
  /** Seconds from now; negative = already expired. `null` leaves `exp` out. */
  expiresIn?: number | null;
  notBefore?: number;
}

function build(username: string | null, options: ClaimsOptions) {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    ...(username === null ? {} : { preferred_username: username, email: `${username}@example.com` }),
    ...options.claims,
  };
  const jwt = new SignJWT(payload)
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt(now);
  const expiresIn = options.expiresIn === undefined ? 300 : options.expiresIn;
  if (expiresIn !== null) jwt.setExpirationTime(now + expiresIn);
  if (options.notBefore !== undefined) jwt.setNotBefore(now + options.notBefore);
  return jwt;
}

/** A JWT signed with `key` (asymmetric, `kid` in the header unless overridden). */
export function signWith(
  key: SigningKey,
  username: string | null,
  options: ClaimsOptions & { kid?: string; alg?: string } = {},
) {
  return build(username, options)
    .setProtectedHeader({ alg: options.alg ?? key.alg, kid: options.kid ?? key.kid, typ: 'JWT' })
    .sign(key.privateKey);
}

/** An HS256 JWT signed with `secret` (the test worker's secret by default). */
export function signHs256(username: string | null, options: ClaimsOptions & { secret?: string | Uint8Array } = {}) {
  const secret = options.secret ?? TEST_SECRET;
  return build(username, options)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(typeof secret === 'string' ? new TextEncoder().encode(secret) : secret);
}

const b64url = (value: unknown) =>
  btoa(JSON.stringify(value)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');

/** An unsigned token (`alg: none`), hand-made since jose refuses to produce one. */
export function unsignedToken(username: string) {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url({ alg: 'none', typ: 'JWT' });
  const payload = b64url({ preferred_username: username, iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 300 });
  return `${header}.${payload}.`;
}
