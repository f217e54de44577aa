import { createLocalJWKSet, decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from 'jose';
import type { Config } from '../config';
import type { AuthFailure } from '../context';
import { isolateState } from '../lib/isolate-state';

export interface JwtClaims {
  username: string;
  email: string;
  administrator: boolean;
  isRestricted: boolean;
  scopes: string[];
  filters: string[];
}

/** A refused token: `message` is the edX answer's detail, `failure` what the log line says. */
export class JwtError extends Error {
  constructor(
    message: string,
    readonly failure: AuthFailure,
  ) {
    super(message);
  }
}

const DECODE_ERROR = 'Error decoding signature.';
const EXPIRED = 'Signature has expired.';
const MAX_SHOWN = 200;

/** A received claim as the log shows it: bounded, since the token is the caller's. */
function shown(value: unknown): string {
  if (value === undefined) return '(absent)';
  return (typeof value === 'string' ? value : JSON.stringify(value)).slice(0, MAX_SHOWN);
}

function claimFailure(error: errors.JWTClaimValidationFailed, config: Config): AuthFailure {
  const { claim, payload } = error;
  if (claim === 'iss') return { reason: 'iss mismatch', received: shown(payload.iss), expected: config.JWT_ISSUER };
  if (claim === 'aud') return { reason: 'aud mismatch', received: shown(payload.aud), expected: config.JWT_AUDIENCE };
  if (claim === 'nbf') return { reason: 'not yet valid' };
  return { reason: error.reason === 'missing' ? `missing ${claim}` : `invalid ${claim}` };
}

/** The edX answer (expired or not) and the reason behind it, from what jose threw. */
function refusal(error: unknown, config: Config, kid: string | undefined): JwtError {
  if (error instanceof JwtError) return error;
  if (error instanceof errors.JWTExpired) return new JwtError(EXPIRED, { reason: 'expired' });
  let failure: AuthFailure = { reason: 'malformed' };
  if (error instanceof errors.JWTClaimValidationFailed) failure = claimFailure(error, config);
  else if (error instanceof errors.JWSSignatureVerificationFailed) failure = { reason: 'signature' };
  else if (error instanceof errors.JWKSNoMatchingKey) failure = { reason: 'unknown kid', received: shown(kid) };
  else if (error instanceof errors.JWKSMultipleMatchingKeys)
    failure = { reason: 'ambiguous kid', received: shown(kid) };
  else if (error instanceof errors.JOSEAlgNotAllowed) failure = { reason: 'alg not allowed' };
  return new JwtError(DECODE_ERROR, failure);
}

const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS512', 'ES256'];
const USERNAME = /^[\p{L}\p{N}_.@+-]{1,150}$/u;
const encoder = new TextEncoder();

// Imported keys live for the isolate: importing a key per request would cost more than verifying.
let cachedSecret: { source: string; key: Promise<CryptoKey> } | null = null;
let cachedJwks: { source: JsonWebKey[]; keys: ReturnType<typeof createLocalJWKSet> } | null = null;

function secretKey(secret: string): Promise<CryptoKey> {
  if (cachedSecret?.source !== secret) {
    const key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'verify',
    ]);
    cachedSecret = { source: secret, key };
  }
  return cachedSecret.key;
}

function jwkSet(keys: JsonWebKey[]) {
  if (cachedJwks?.source !== keys) {
    cachedJwks = { source: keys, keys: createLocalJWKSet({ keys: keys as never }) };
  }
  return cachedJwks.keys;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * Verifies an edX JWT: HS256 with `JWT_SECRET_KEY`, RS256/RS512/ES256 with the JWK set (by `kid`);
 * `exp`, `iss` and `aud` always checked. Any other algorithm (including `none`) is refused, so an
 * HS256 token cannot be verified with a public key (key confusion).
 */
/**
 * Tokens this isolate verified recently (the exact token text → its claims), kept until the token
 * expires or at most VERIFIED_TTL_MS: a steady caller skips the signature check. Bounded in size;
 * emptied when the verification keys change.
 */
const VERIFIED_TTL_MS = 60_000;
const MAX_VERIFIED = 10_000;
const verified = isolateState(new Map<string, { claims: JwtClaims; until: number }>());
let verifiedWith: Config['JWT_SECRET_KEY'] | Config['JWT_PUBLIC_SIGNING_JWK_SET'] | undefined;
let verifiedFor = '';

export async function verifyJwt(token: string, config: Config): Promise<JwtClaims> {
  const keys = config.JWT_PUBLIC_SIGNING_JWK_SET ?? config.JWT_SECRET_KEY;
  if (keys !== verifiedWith || config.JWT_ISSUER + config.JWT_AUDIENCE !== verifiedFor) {
    verified.clear();
    verifiedWith = keys;
    verifiedFor = config.JWT_ISSUER + config.JWT_AUDIENCE;
  }
  const now = Date.now();
  const known = verified.get(token);
  if (known && known.until > now) return known.claims;
  const { claims, expiresAt } = await verifySignedJwt(token, config);
  if (verified.size >= MAX_VERIFIED) verified.clear();
  verified.set(token, { claims, until: Math.min(expiresAt, now + VERIFIED_TTL_MS) });
  return claims;
}

async function verifySignedJwt(token: string, config: Config): Promise<{ claims: JwtClaims; expiresAt: number }> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new JwtError(DECODE_ERROR, { reason: 'malformed' });
  }
  const { alg, kid } = header;
  const options = { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, requiredClaims: ['exp'] };
  let payload: JWTPayload;
  try {
    if (alg === 'HS256' && config.JWT_SECRET_KEY) {
      ({ payload } = await jwtVerify(token, await secretKey(config.JWT_SECRET_KEY), {
        ...options,
        algorithms: ['HS256'],
      }));
    } else if (alg && ASYMMETRIC_ALGORITHMS.includes(alg) && config.JWT_PUBLIC_SIGNING_JWK_SET) {
      ({ payload } = await jwtVerify(token, jwkSet(config.JWT_PUBLIC_SIGNING_JWK_SET.keys), {
        ...options,
        algorithms: ASYMMETRIC_ALGORITHMS,
      }));
    } else {
      // `none`, an unknown algorithm, or one whose key is not configured (HS256 without a secret).
      throw new JwtError(DECODE_ERROR, { reason: 'alg not allowed', received: shown(alg) });
    }
  } catch (error) {
    throw refusal(error, config, kid);
  }
  const username = payload.preferred_username;
  if (typeof username !== 'string' || !USERNAME.test(username)) {
    throw new JwtError('Invalid payload: preferred_username is required.', { reason: 'missing username' });
  }
  return {
    claims: {
      username,
      email: typeof payload.email === 'string' ? payload.email : '',
      administrator: payload.administrator === true,
      isRestricted: payload.is_restricted === true,
      scopes: stringList(payload.scopes),
      filters: stringList(payload.filters),
    },
    expiresAt: (payload.exp as number) * 1000,
  };
}
