import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import worker from '../../src/index';
import { BASE } from '../helpers/request';
import { type TokenOptions, tokenFor } from '../helpers/tokens';

// Browser clients (docs/api/browser-clients.md). The test worker has no CORS whitelist, so these
// requests go to the worker module with an env that sets one; loadConfig parses an env object once.
export const APP_ORIGIN = 'http://apps.example.test';
export const TRUSTED_ORIGIN = 'https://trusted.example.test';
export const FOREIGN_ORIGIN = 'https://evil.example.test';
export const OWN_ORIGIN = new URL(BASE).origin;

export const browserEnv = (overrides: Record<string, string> = {}): Env => {
  const vars: Record<string, string> = {
    CORS_ORIGIN_WHITELIST: `${APP_ORIGIN}, http://localhost:2000`,
    CSRF_TRUSTED_ORIGINS: TRUSTED_ORIGIN,
    ...overrides,
  };
  return { ...env, ...vars };
};
const BROWSER_ENV = browserEnv();

export interface Sent {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  body: any;
}

export async function send(path: string, init: RequestInit = {}, scenario: Env = BROWSER_ENV): Promise<Sent> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${BASE}${path}`, init), scenario, ctx);
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, text, body };
}

/** A JWT as the LMS splits it over the two cookies: `header.payload` and the signature. */
export function jwtCookies(
  token: string,
  names = { payload: 'edx-jwt-cookie-header-payload', signature: 'edx-jwt-cookie-signature' },
) {
  const cut = token.lastIndexOf('.');
  return { [names.payload]: token.slice(0, cut), [names.signature]: token.slice(cut + 1) };
}

export const cookieHeader = (cookies: Record<string, string>) =>
  Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');

export const CSRF = 'aaaaaaaaaaaaaaaaaaaaBBBBBBBBBBBBBBBBBBBB0123456789';

/** What frontend-platform sends: the cookie pair, USE-JWT-COOKIE, and for writes the CSRF pair. */
export async function browserHeaders(
  username: string,
  {
    csrf = CSRF,
    origin = APP_ORIGIN,
    token: tokenOptions,
  }: { csrf?: string | null; origin?: string | null; token?: TokenOptions } = {},
): Promise<Record<string, string>> {
  const cookies: Record<string, string> = jwtCookies(await tokenFor(username, tokenOptions));
  const headers: Record<string, string> = { 'USE-JWT-COOKIE': 'true' };
  if (csrf !== null) {
    cookies.csrftoken = csrf;
    headers['X-CSRFToken'] = csrf;
  }
  if (origin !== null) headers.Origin = origin;
  headers.Cookie = cookieHeader(cookies);
  return headers;
}
