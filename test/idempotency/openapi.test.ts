import { describe, expect, it } from 'vitest';
import { call } from '../helpers/request';

// docs/api/idempotency.md: every write documents the header, the replay marker and the key's answers.

type Operation = {
  parameters?: { name: string; in: string }[];
  responses: Record<string, { headers?: Record<string, unknown>; description?: string }>;
};

describe('/openapi.json', () => {
  it('every POST/PUT/PATCH/DELETE documents Idempotency-Key, Idempotent-Replayed and 400/409/422; reads do not', async () => {
    const doc = (await call('/openapi.json')).body as { paths: Record<string, Record<string, Operation>> };
    let writes = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const header = op.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key');
        if (!['post', 'put', 'patch', 'delete'].includes(method)) {
          expect(header, `${method} ${path}`).toBeFalsy();
          continue;
        }
        writes++;
        expect(header, `${method} ${path}`).toBe(true);
        for (const status of ['400', '409', '422']) {
          expect(op.responses[status]?.description, `${method} ${path} ${status}`).toMatch(/Idempotency-Key/);
        }
        for (const [status, response] of Object.entries(op.responses)) {
          if (status.startsWith('2'))
            expect(response.headers, `${method} ${path} ${status}`).toHaveProperty('Idempotent-Replayed');
        }
      }
    }
    expect(writes).toBeGreaterThan(20);
  });
});
