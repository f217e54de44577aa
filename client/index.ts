import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { paths } from './schema.js';

export type { components, operations, paths } from './schema.js';

export interface EnrollmentClientOptions {
  /** An edX JWT. Sent as `Authorization: JWT <token>` unless `tokenPrefix` says `Bearer`. */
  token?: string;
  tokenPrefix?: 'JWT' | 'Bearer';
  /** The server-to-server key, sent as `X-Edx-Api-Key`. */
  apiKey?: string;
  /** Another fetch (a service binding, a Worker's `SELF` in tests, a proxy); default `globalThis.fetch`. */
  fetch?: ClientOptions['fetch'];
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

export type EnrollmentClient = Client<paths>;

/**
 * A typed client for the enrollment service: paths, parameters, bodies and answers are checked
 * against the service's OpenAPI document (client/schema.d.ts, `npm run client:generate`).
 *
 * @example
 * const api = createEnrollmentClient('http://127.0.0.1:8787', { token });
 * const { data, error } = await api.GET('/api/enrollment/v1/course/{course_id}', {
 *   params: { path: { course_id: 'course-v1:edX+DemoX+Demo_Course' } },
 * });
 */
export function createEnrollmentClient(baseUrl: string, options: EnrollmentClientOptions = {}): EnrollmentClient {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.Authorization = `${options.tokenPrefix ?? 'JWT'} ${options.token}`;
  if (options.apiKey) headers['X-Edx-Api-Key'] = options.apiKey;
  return createClient<paths>({
    baseUrl: baseUrl.replace(/\/+$/, ''),
    headers,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
