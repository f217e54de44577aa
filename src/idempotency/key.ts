// Pure rules of the Idempotency-Key (docs/api/idempotency.md): the header's syntax, the scope's
// path, the request fingerprint's input, which answers are kept, and what a stored row answers.

export const MAX_KEY_LENGTH = 255;

export type ParsedKey = { ok: true; key: string } | { ok: false; reason: string };

const VISIBLE = /^[\x21-\x7e]+$/;

/**
 * The key of an `Idempotency-Key` value: a Structured-Field string (`"k1"`, with `\"` and `\\` the
 * only escapes) or the same characters bare (`k1`). Either way 1–255 visible ASCII characters. A
 * bare key may not hold `"` or `\` (those need the quoted form), and parameters (`"k1";a=1`) are
 * refused, so one header value means one key.
 */
export function parseIdempotencyKey(value: string): ParsedKey {
  const key = value.startsWith('"') ? unquote(value) : bare(value);
  if (typeof key !== 'string') return key;
  if (key.length === 0) return { ok: false, reason: 'is empty' };
  if (key.length > MAX_KEY_LENGTH) return { ok: false, reason: `is longer than ${MAX_KEY_LENGTH} characters` };
  if (!VISIBLE.test(key)) return { ok: false, reason: 'holds a character that is not visible ASCII' };
  return { ok: true, key };
}

function bare(value: string): string | ParsedKey {
  if (/["\\]/.test(value)) return { ok: false, reason: 'holds `"` or `\\` outside a quoted string' };
  return value;
}

function unquote(value: string): string | ParsedKey {
  let key = '';
  for (let i = 1; i < value.length; i++) {
    const char = value[i] as string;
    if (char === '\\') {
      const next = value[i + 1];
      if (next !== '"' && next !== '\\') return { ok: false, reason: 'has an escape other than \\" or \\\\' };
      key += next;
      i++;
    } else if (char === '"') {
      if (i !== value.length - 1) return { ok: false, reason: 'has characters after its closing quote' };
      return key;
    } else {
      key += char;
    }
  }
  return { ok: false, reason: 'has no closing quote' };
}

/** The scope's path: without query and trailing slashes (`/a/b/` and `/a/b` are one scope). */
export const scopePath = (pathname: string) => pathname.replace(/\/+$/, '') || '/';

/** What the fingerprint hashes, before the body bytes; no part can hold a newline. */
export const fingerprintHead = (method: string, path: string, query: string, contentType: string) =>
  `${method}\n${path}\n${query}\n${contentType}\n`;

/** Answers a client may retry with the same key are not kept: 401, 403, 429 and every 5xx. */
export const isStored = (status: number) => status < 500 && status !== 401 && status !== 403 && status !== 429;

/** Marks an answer replayed from a stored key. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';

/**
 * The largest answer body kept, in UTF-8 bytes: under D1's 2 MB row limit with room for the other
 * columns. A larger answer keeps its status only (docs/api/idempotency.md#size).
 */
export const MAX_STORED_BODY_BYTES = 1_900_000;

/** What a stored row is, as the decision below reads it. */
export interface StoredKey {
  fingerprint: string;
  claim: string;
  status: number | null;
  contentType: string | null;
  body: string | null;
  createdAt: number;
}

export type KeyOutcome =
  | { kind: 'replay'; status: number; contentType: string | null; body: string | null }
  | { kind: 'reused' }
  | { kind: 'in_use'; runningForMs: number | null };

/**
 * What a request answers when its key is already held: another payload → reused (422, whatever
 * the first request's state); still running, or gone meanwhile (released by a 5xx) → in use
 * (409, retry); finished → its answer again.
 */
export function outcomeOf(row: StoredKey | undefined, fingerprint: string, now: number): KeyOutcome {
  if (!row) return { kind: 'in_use', runningForMs: null };
  if (row.fingerprint !== fingerprint) return { kind: 'reused' };
  if (row.status === null) return { kind: 'in_use', runningForMs: now - row.createdAt };
  return { kind: 'replay', status: row.status, contentType: row.contentType, body: row.body };
}
