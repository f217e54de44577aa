import { SELF } from 'cloudflare:test';

export const BASE = 'http://edge.test';

export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  json?: unknown;
  body?: BodyInit;
}

/** A request to the real Worker (SELF), with JSON body handling. */
export async function call(path: string, options: CallOptions = {}) {
  const headers: Record<string, string> = { ...options.headers };
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await SELF.fetch(`${BASE}${path}`, { method: options.method ?? 'GET', headers, body });
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  return { status: res.status, headers: res.headers, text, body: data as any };
}

/** The D1 round trips a response reports in `Server-Timing` (`db;desc="N queries"`). */
export function dbQueries(headers: Headers): number {
  const match = /db;desc="(\d+) queries"/.exec(headers.get('Server-Timing') ?? '');
  if (!match) throw new Error(`no db metric in Server-Timing: ${headers.get('Server-Timing')}`);
  return Number(match[1]);
}

let counter = 0;
/** A name no other test uses (storage is shared between the tests of a run). */
export const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;
