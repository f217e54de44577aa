import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ADMIN, provisionUser } from '../helpers/provisioning-api';
import { call, dbQueries, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';

const putUser = (username: string, json: unknown) =>
  call(`${ADMIN}/users/${username}`, { method: 'PUT', headers: apiKeyHeader, json });
const getUser = (username: string) => call(`${ADMIN}/users/${username}`, { headers: apiKeyHeader });

describe('PUT /users/{username}', () => {
  it('creates (201) with defaults, replaces (200), and GET answers the stored user', async () => {
    const username = unique('ann');
    const created = await putUser(username, { email: 'ann@example.com' });
    expect(created.status).toBe(201);
    expect(created.headers.get('Content-Type')).toBe('application/json');
    expect(dbQueries(created.headers)).toBe(1);
    expect(created.body).toEqual({
      id: expect.any(Number),
      username,
      email: 'ann@example.com',
      name: '',
      is_staff: false,
      is_superuser: false,
      is_active: true,
      country: null,
      language: null,
      email_opt_in: {},
    });
    const replaced = await putUser(username, {
      email: 'ann2@example.com',
      is_staff: true,
      is_superuser: true,
      is_active: false,
      name: 'Ann Example',
      country: 'FR',
      language: 'pt-br',
    });
    expect(replaced.status).toBe(200);
    expect(dbQueries(replaced.headers)).toBe(1);
    expect(replaced.body).toEqual({
      id: created.body.id,
      username,
      email: 'ann2@example.com',
      name: 'Ann Example',
      is_staff: true,
      is_superuser: true,
      is_active: false,
      country: 'FR',
      language: 'pt-br',
      email_opt_in: {},
    });
    const read = await getUser(username);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(replaced.body);
    expect(dbQueries(read.headers)).toBe(1);
    // Omitted optional fields go back to their defaults: a PUT replaces the user.
    expect((await putUser(username, { email: 'ann2@example.com' })).body).toMatchObject({
      is_staff: false,
      is_active: true,
      name: '',
      country: null,
    });
  });

  it('replaces (200) a user first created by a JWT, keeping its id', async () => {
    const username = unique('jwt');
    await call('/api/admin/v1/users/x', { headers: await jwtHeader(username) }); // 403, but creates the user
    const res = await putUser(username, { email: 'new@example.com' });
    expect(res.status).toBe(200);
    expect(res.body.email).toBe('new@example.com');
  });

  it('reads email_opt_in per org from user_org_preferences', async () => {
    const username = await provisionUser();
    const { id } = (await getUser(username)).body;
    await env.DB.prepare(
      "insert into user_org_preferences (user_id, org, email_opt_in, updated_at) values (?1, 'edX', 'True', 0), (?1, 'MITx', 'False', 0)",
    )
      .bind(id)
      .run();
    expect((await getUser(username)).body.email_opt_in).toEqual({ edX: true, MITx: false });
    expect((await putUser(username, { email: 'x@example.com' })).body.email_opt_in).toEqual({ edX: true, MITx: false });
  });

  it('answers 404 for an unknown user and 400 for an impossible username', async () => {
    const missing = await getUser(unique('nobody'));
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('user_not_found');
    const bad = await getUser('no%20spaces');
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.field_errors)).toEqual(['username']);
  });

  it('names each bad field and changes nothing', async () => {
    const username = await provisionUser(unique('val'), { name: 'Kept' });
    const before = (await getUser(username)).body;
    const res = await putUser(username, {
      email: 'not-an-email',
      is_staff: 'yes',
      is_superuser: 1,
      is_active: null,
      name: 'x'.repeat(256),
      country: 'fr',
      language: 'english!',
    });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('invalid_request');
    expect(Object.keys(res.body.field_errors).sort()).toEqual(
      ['email', 'is_staff', 'is_superuser', 'is_active', 'name', 'country', 'language'].sort(),
    );
    expect((await getUser(username)).body).toEqual(before);
    const noEmail = await putUser(username, { name: 'x' });
    expect(noEmail.body.field_errors).toEqual({ email: { developer_message: 'This field is required.' } });
    const badPathAndBody = await putUser('bad name', { email: 'bad' });
    expect(Object.keys(badPathAndBody.body.field_errors).sort()).toEqual(['email', 'username']);
  });
});

describe('PUT /users/{username}/retirement', () => {
  const retire = (username: string, json: unknown = {}) =>
    call(`${ADMIN}/users/${username}/retirement`, { method: 'PUT', headers: apiKeyHeader, json });

  it('records the original username and e-mail (201), and a repeat answers the first record (200)', async () => {
    const username = await provisionUser(unique('ret'), { email: 'first@example.com' });
    const first = await retire(username);
    expect(first.status).toBe(201);
    expect(dbQueries(first.headers)).toBe(1);
    expect(first.body).toEqual({
      username,
      original_username: username,
      original_email: 'first@example.com',
      created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$/),
    });
    await provisionUser(username, { email: 'second@example.com' });
    const again = await call(`${ADMIN}/users/${username}/retirement/`, { method: 'PUT', headers: apiKeyHeader });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const row = await env.DB.prepare(
      'select r.original_email from user_retirements r join users u on u.id = r.user_id where u.username = ?',
    )
      .bind(username)
      .first<{ original_email: string }>();
    expect(row?.original_email).toBe('first@example.com');
  });

  it('answers 404 for an unknown user and 400 for a body that is not an object', async () => {
    const missing = await retire(unique('ghost'));
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('user_not_found');
    const username = await provisionUser();
    expect((await retire(username, [])).status).toBe(400);
    expect((await retire(username)).status).toBe(201);
  });
});
