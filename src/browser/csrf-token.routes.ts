import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { authenticate } from '../auth/auth.middleware';
import { CSRF_TOKEN } from '../auth/csrf';
import type { AppEnv } from '../context';
import { errorResponses } from '../lib/error-responses';
import { jsonContent } from '../lib/http';
import { drfStyle } from '../lib/input-styles';
import { route, SECURITY } from '../lib/route';
import { createRouter } from '../openapi';

export const csrfTokenRoutes = createRouter();

const CsrfToken = z
  .object({
    csrfToken: z.string().regex(CSRF_TOKEN).openapi({
      description: 'Send it back as `X-CSRFToken` on POST, PUT, PATCH and DELETE made with the JWT cookies.',
      example: 'Xk3b9QmZr2LwT7sVn4Hc8JdE1yPa6UfG0oKiRtBq5NzMlWjxCvAe',
    }),
  })
  .openapi('CsrfToken');

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const TOKEN_LENGTH = 64;

/** 64 random characters of `[A-Za-z0-9]`; bytes ≥ 248 are skipped so each character is equally likely. */
export function newCsrfToken(): string {
  let token = '';
  while (token.length < TOKEN_LENGTH) {
    for (const byte of crypto.getRandomValues(new Uint8Array(TOKEN_LENGTH))) {
      if (byte < 248 && token.length < TOKEN_LENGTH) token += ALPHABET[byte % ALPHABET.length];
    }
  }
  return token;
}

function csrfCookie(c: Context<AppEnv>, name: string, token: string): string {
  const secure = new URL(c.req.url).protocol === 'https:' ? '; Secure' : '';
  return `${name}=${token}; Path=/; SameSite=Lax${secure}`;
}

// edx-drf-extensions' CsrfTokenView, as micro-frontends call it (docs/api/browser-clients.md#csrf).
route(csrfTokenRoutes, {
  method: 'get',
  path: '/csrf/api/v1/token',
  summary: 'A CSRF token for the JWT cookie flow (and the cookie that goes with it)',
  description:
    "Returns the caller's CSRF token and sets it as the CSRF cookie (`csrftoken` unless `CSRF_COOKIE_NAME` says otherwise; `Path=/; SameSite=Lax`, plus `Secure` over https). A cookie already holding a well-formed token is kept; otherwise a new random 64-character token is issued. Browsers send the token back as `X-CSRFToken` on unsafe methods authenticated with the JWT cookies.",
  tags: ['Browser clients'],
  security: SECURITY.jwt,
  middleware: [authenticate({ jwtOnly: true })],
  responses: {
    200: {
      ...jsonContent(CsrfToken, 'The token; `Set-Cookie` carries the same value.'),
      headers: { 'Set-Cookie': { description: 'csrftoken=<token>; Path=/; SameSite=Lax', schema: { type: 'string' } } },
    },
    ...errorResponses('detail', 401),
  },
  input: drfStyle,
  handler: (c) => {
    const name = c.get('deps').config.CSRF_COOKIE_NAME;
    const existing = getCookie(c, name);
    const token = existing && CSRF_TOKEN.test(existing) ? existing : newCsrfToken();
    c.header('Set-Cookie', csrfCookie(c, name, token));
    c.header('Cache-Control', 'no-store');
    return c.json({ csrfToken: token }, 200);
  },
});
