import { describe, expect, it } from 'vitest';
import { call } from '../helpers/request';

describe('platform', () => {
  it('serves /health with request id and Server-Timing', async () => {
    const res = await call('/health', { headers: { 'X-Request-Id': 'abc-123' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.headers.get('X-Request-Id')).toBe('abc-123');
    expect(res.headers.get('Server-Timing')).toMatch(/db;desc="0 queries"/);
  });

  it('answers unknown routes with JSON 404 and wrong methods with 405 + Allow', async () => {
    const missing = await call('/nope');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('Content-Type')).toBe('application/json');
    const wrong = await call('/health', { method: 'POST' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('Allow')).toContain('GET');
  });
});
