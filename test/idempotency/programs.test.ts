import { describe, expect, it } from 'vitest';
import { call, dbQueries } from '../helpers/request';
import { enrollmentsPath, record, rowsOf, scenario, staffHeader } from '../programs/support';
import { keyed, newKey } from './support';

// docs/api/idempotency.md#replay: a retried program enrollment POST whose first attempt committed
// answers that attempt's 201/207, not 422 "conflict" for every record.

const post = (uuid: string, json: unknown, headers: Record<string, string>) =>
  call(enrollmentsPath(uuid), { method: 'POST', json, headers });

const rowsOfProgram = (uuid: string) =>
  rowsOf('select external_user_key, status from program_enrollments where program_uuid = ? order by id', uuid);

describe('program enrollments POST retried with the same key', () => {
  it('the retry answers the stored 201, not 422 conflict; nothing is written again', async () => {
    const staff = await staffHeader();
    const { uuid } = await scenario(0);
    const key = newKey();
    const records = [record('k1'), record('k2', 'pending')];
    const first = await post(uuid, records, keyed(key, staff));
    expect(first.status, first.text).toBe(201);
    const rows = await rowsOfProgram(uuid);
    const retry = await post(uuid, records, keyed(key, staff));
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual({ k1: 'enrolled', k2: 'pending' });
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await rowsOfProgram(uuid)).toBe(rows);
    // The same retry without a key: every record is a conflict (what the key is for).
    const unkeyed = await post(uuid, records, staff);
    expect(unkeyed.status).toBe(422);
    expect(unkeyed.body).toEqual({ k1: 'conflict', k2: 'conflict' });
  });

  it('a 207 replays as the 207', async () => {
    const staff = await staffHeader();
    const { uuid } = await scenario(0);
    const key = newKey();
    const records = [record('p0'), record('p1'), record('p1', 'pending'), record('p2', 'Enrolled')];
    const first = await post(uuid, records, keyed(key, staff));
    expect(first.status, first.text).toBe(207);
    const retry = await post(uuid, records, keyed(key, staff));
    expect(retry.status).toBe(207);
    expect(retry.text).toBe(first.text);
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
  });

  it('round trips: with a key ≤ without + 1 (first call and replay)', async () => {
    const staff = await staffHeader();
    const { uuid } = await scenario(0);
    const plain = await post(uuid, [record('r0')], staff);
    const key = newKey();
    const first = await post(uuid, [record('r1')], keyed(key, staff));
    const replay = await post(uuid, [record('r1')], keyed(key, staff));
    expect([plain.status, first.status, replay.status]).toEqual([201, 201, 201]);
    expect(dbQueries(plain.headers)).toBe(2);
    expect(dbQueries(first.headers)).toBeLessThanOrEqual(dbQueries(plain.headers) + 1);
    expect(dbQueries(replay.headers)).toBeLessThanOrEqual(dbQueries(plain.headers) + 1);
  });
});
