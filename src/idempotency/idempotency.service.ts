import type { Config } from '../config';
import type { Deps } from '../context';
import type { Principal } from '../context/principal';
import { runBatch } from '../db/batch';
import { claimBeforeFirstWrite, createDb, newDbMetrics } from '../db/client';
import type { FirstWriteClaim } from '../db/write-claim';
import {
  claimQueries,
  findKey,
  isClaimConflict,
  type KeyClaim,
  keepAnswerUnlessHeld,
  purgeKeysExpiredBy,
  releaseClaim,
  type StoredAnswer,
  storeAnswer,
  storeAnswerIf,
} from './idempotency.repo';
import { fingerprintHead, isStored, type KeyOutcome, MAX_STORED_BODY_BYTES, outcomeOf } from './key';

// A keyed write's life (docs/api/idempotency.md#how): the claim rides on the request's first write
// batch; afterwards ONE round trip keeps the answer (or frees the key), or — when the claim found the
// key held — reads what the key answers instead.

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
const sha256 = async (data: Uint8Array) => hex(await crypto.subtle.digest('SHA-256', data));

const apiKeyIds = new WeakMap<Config, Promise<string>>();

/**
 * The scope's caller: the JWT's username (also when an API key came with it), else the API key
 * itself (as a digest prefix: the key is never stored). Null when the request has neither.
 */
export function callerIdentity(principal: Principal | undefined, config: Config): Promise<string> | null {
  if (principal?.user) return Promise.resolve(`user:${principal.user.username}`);
  const key = config.EDX_API_KEY;
  if (!principal?.apiKey || !key) return null;
  let id = apiKeyIds.get(config);
  if (!id) {
    id = sha256(new TextEncoder().encode(key)).then((digest) => `api-key:${digest.slice(0, 16)}`);
    apiKeyIds.set(config, id);
  }
  return id;
}

/** SHA-256 (hex) of method, path, query, content type and the body's bytes. */
export async function fingerprint(method: string, path: string, query: string, contentType: string, body: ArrayBuffer) {
  const head = new TextEncoder().encode(fingerprintHead(method, path, query, contentType));
  const all = new Uint8Array(head.length + body.byteLength);
  all.set(head);
  all.set(new Uint8Array(body), head.length);
  return sha256(all);
}

export const newClaim = (deps: Deps, scope: Omit<KeyClaim, 'token' | 'now' | 'expiresAt'>): KeyClaim => {
  const now = deps.now();
  return { ...scope, token: crypto.randomUUID(), now, expiresAt: now + deps.config.IDEMPOTENCY_TTL_SECONDS * 1000 };
};

/** A claim armed on the request's first write, with the answer its handler offered (if any). */
export interface KeyHold extends FirstWriteClaim {
  offered?: StoredAnswer;
}

/** Arms the claim: the request's first write carries it, and the answer its handler offers. */
export function holdKey(deps: Deps, claim: KeyClaim): KeyHold {
  const db = deps.db;
  const statements = claimQueries(db, claim).map(({ sql, params }) => ({ sql, params }));
  const hold: KeyHold = {
    statements,
    isConflict: isClaimConflict,
    state: 'armed',
    offer({ status, json }, onlyIf) {
      const answer = { status, contentType: 'application/json', body: JSON.stringify(json) };
      if (!isStored(status) || !fitsStored(answer.body)) return;
      hold.offered = answer;
      hold.tail = [storeAnswerIf(db, claim, answer, onlyIf).toSQL()];
    },
  };
  claimBeforeFirstWrite(db, hold);
  return hold;
}

/** Did the write's batch keep the offered answer, and is it the one the handler gave? */
function keptInBatch(hold: KeyHold, given: StoredAnswer): boolean {
  const offered = hold.offered;
  if (!offered || hold.tailResults?.[0]?.meta.changes !== 1) return false;
  return offered.status === given.status && offered.contentType === given.contentType && offered.body === given.body;
}

/** Whether a body is within the stored size bound (UTF-8 bytes; short strings need no encoding). */
const fitsStored = (body: string) =>
  body.length <= MAX_STORED_BODY_BYTES / 3 || new TextEncoder().encode(body).length <= MAX_STORED_BODY_BYTES;

/** The answer as kept: over the size bound, its status and type only. */
export async function answerToKeep(status: number, contentType: string | null, read: () => Promise<string>) {
  const body = await read();
  return { status, contentType, body: fitsStored(body) ? body : null } satisfies StoredAnswer;
}

/**
 * After the handler: keeps its answer or frees the key, and says what to answer instead when the key
 * was held by another request (null: the handler's own answer stands).
 */
export async function settleKey(
  deps: Deps,
  claim: KeyClaim,
  hold: KeyHold,
  status: number,
  answer: () => Promise<StoredAnswer>,
): Promise<KeyOutcome | null> {
  if (hold.state === 'armed') hold.state = 'disarmed';
  if (hold.state === 'conflicted') return outcomeOf(await findKey(deps.db, claim), claim.fingerprint, deps.now());
  const keep = isStored(status);
  if (hold.state === 'claimed') {
    const db = deps.db;
    const given = keep ? await answer() : null;
    // The offered answer, kept with the write, stands when it is the one given: no round trip.
    if (given && keptInBatch(hold, given)) return null;
    await runBatch(db, [given ? storeAnswer(db, claim, given) : releaseClaim(db, claim)]);
    return null;
  }
  if (!keep) return null;
  const row = await keepAnswerUnlessHeld(deps.db, claim, await answer());
  if (row?.claim === claim.token) return null;
  return outcomeOf(row, claim.fingerprint, deps.now());
}

/** The cron's purge of expired keys (wrangler.toml's every-minute trigger, beside the events sweep). */
export async function purgeExpiredKeys(env: Env, now = Date.now()): Promise<{ purged: number }> {
  const db = createDb(env.DB, newDbMetrics());
  const [result] = await runBatch(db, [purgeKeysExpiredBy(db, now)]);
  const purged = (result as D1Result).meta.changes;
  console.log(JSON.stringify({ event: 'idempotency_purge', purged }));
  return { purged };
}
