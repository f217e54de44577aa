import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { BASE, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader, tokenFor } from '../helpers/tokens';
import { APP_ORIGIN, browserEnv, CSRF, cookieHeader, jwtCookies, send } from './support';

// GET /csrf/api/v1/token (docs/api/browser-clients.md#csrf-token).
const TOKEN = '/csrf/api/v1/token';
const FORM = /^[A-Za-z0-9]{64}$/;

const viaCookies = async (username: string, extra: Record<string, string> = {}) => ({
  'USE-JWT-COOKIE': 'true',
  Cookie: cookieHeader({ ...jwtCookies(await tokenFor(username)), ...extra }),
});

describe('GET /csrf/api/v1/token', () => {
  it('issues a new 64-character token and sets it as the csrftoken cookie (header JWT or cookies)', async () => {
    const seen = new Set<string>();
    for (const headers of [await jwtHeader(unique('tok')), await viaCookies(unique('tok'))]) {
      for (const path of [TOKEN, `${TOKEN}/`]) {
        const res = await send(path, { headers });
        expect(res.status).toBe(200);
        expect(res.headers.get('Content-Type')).toBe('application/json');
        expect(Object.keys(res.body)).toEqual(['csrfToken']);
        expect(res.body.csrfToken).toMatch(FORM);
        expect(res.headers.get('Set-Cookie')).toBe(`csrftoken=${res.body.csrfToken}; Path=/; SameSite=Lax`);
        seen.add(res.body.csrfToken);
      }
    }
    expect(seen.size).toBe(4);
  });

  it('keeps a cookie that already holds a token of the right form, replaces one that does not', async () => {
    const username = unique('keep');
    const kept = await send(TOKEN, { headers: await viaCookies(username, { csrftoken: CSRF }) });
    expect(kept.body).toEqual({ csrfToken: CSRF });
    expect(kept.headers.get('Set-Cookie')).toBe(`csrftoken=${CSRF}; Path=/; SameSite=Lax`);
    for (const bad of ['short', 'a'.repeat(65), `${'a'.repeat(40)}-`]) {
      const replaced = await send(TOKEN, { headers: await viaCookies(username, { csrftoken: bad }) });
      expect(replaced.body.csrfToken).toMatch(FORM);
      expect(replaced.body.csrfToken).not.toBe(bad);
    }
  });

  it('over https the cookie is Secure; CSRF_COOKIE_NAME renames it', async () => {
    const scenario = browserEnv({ CSRF_COOKIE_NAME: 'lms_csrftoken' });
    const ctxHeaders = await jwtHeader(unique('secure'));
    const res = await send(TOKEN, { headers: ctxHeaders }, scenario);
    expect(res.headers.get('Set-Cookie')).toBe(`lms_csrftoken=${res.body.csrfToken}; Path=/; SameSite=Lax`);
    const ctx = createExecutionContext();
    const secure = await worker.fetch(
      new Request(`https://${new URL(BASE).host}${TOKEN}`, { headers: ctxHeaders }),
      scenario,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const body = (await secure.json()) as { csrfToken: string };
    expect(secure.headers.get('Set-Cookie')).toBe(`lms_csrftoken=${body.csrfToken}; Path=/; SameSite=Lax; Secure`);
  });

  it('anonymous, the API key alone, or a bad token: 401, no cookie', async () => {
    for (const headers of [{}, apiKeyHeader, { Authorization: 'JWT not.a.token' }] as Record<string, string>[]) {
      const res = await send(TOKEN, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('Set-Cookie')).toBeNull();
    }
    expect((await send(TOKEN)).body).toEqual({ detail: 'Authentication credentials were not provided.' });
  });

  it('answers a whitelisted origin with the CORS headers, at no D1 cost once the account is known', async () => {
    const headers = { ...(await viaCookies(unique('corstok'))), Origin: APP_ORIGIN };
    await send(TOKEN, { headers });
    const res = await send(TOKEN, { headers });
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(APP_ORIGIN);
    expect(res.headers.get('Server-Timing')).toContain('db;desc="0 queries"');
  });
});
