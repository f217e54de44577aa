import { SignJWT } from 'jose';

export const TEST_SECRET = 'test-jwt-secret';
export const TEST_API_KEY = 'test-api-key';
export const ISSUER = 'http://localhost:18000/oauth2';
export const AUDIENCE = 'lms-key';

export interface TokenOptions {
  email?: string;
  administrator?: boolean;
  isRestricted?: boolean;
  scopes?: string[];
  filters?: string[];
  /** Extra or overriding claims. */
  claims?: Record<string, unknown>;
  expiresIn?: string | number;
  issuer?: string;
  audience?: string;
  secret?: string;
}

/** A real HS256 edX JWT for `username`, signed with the secret the test worker is configured with. */
export async function tokenFor(username: string, options: TokenOptions = {}): Promise<string> {
  const payload: Record<string, unknown> = {
    preferred_username: username,
    email: options.email ?? `${username}@example.com`,
    administrator: options.administrator ?? false,
    ...(options.isRestricted !== undefined ? { is_restricted: options.isRestricted } : {}),
    ...(options.scopes ? { scopes: options.scopes } : {}),
    ...(options.filters ? { filters: options.filters } : {}),
    ...options.claims,
  };
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(new TextEncoder().encode(options.secret ?? TEST_SECRET));
}

export const jwtHeader = async (username: string, options?: TokenOptions) => ({
  Authorization: `JWT ${await tokenFor(username, options)}`,
});

export const apiKeyHeader = { 'X-Edx-Api-Key': TEST_API_KEY };
