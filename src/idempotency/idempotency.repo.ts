import { and, eq, lte, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../db/client';
import { idempotencyKeys } from '../db/schema/idempotency';
import type { StoredKey } from './key';

// The idempotency domain owns `idempotency_keys` (docs/architecture.md#one-owner-per-table).

/** One key's scope: (caller, method, path without query and trailing slash, key). */
export interface KeyScope {
  principal: string;
  method: string;
  path: string;
  key: string;
}

/** A request's hold on its key: the scope, its fingerprint, its random token, its times. */
export interface KeyClaim extends KeyScope {
  fingerprint: string;
  token: string;
  now: number;
  expiresAt: number;
}

export interface StoredAnswer {
  status: number;
  contentType: string | null;
  body: string | null;
}

const inScope = (s: KeyScope) =>
  and(
    eq(idempotencyKeys.principal, s.principal),
    eq(idempotencyKeys.method, s.method),
    eq(idempotencyKeys.path, s.path),
    eq(idempotencyKeys.idempotencyKey, s.key),
  );

const mine = (c: KeyClaim) => and(inScope(c), eq(idempotencyKeys.claim, c.token));

const row = (c: KeyClaim, answer: StoredAnswer | null) => ({
  principal: c.principal,
  method: c.method,
  path: c.path,
  idempotencyKey: c.key,
  fingerprint: c.fingerprint,
  claim: c.token,
  status: answer?.status ?? null,
  contentType: answer?.contentType ?? null,
  body: answer?.body ?? null,
  createdAt: c.now,
  expiresAt: c.expiresAt,
});

/** The scope's row once expired: gone before a new claim, so an old key can be used again. */
const deleteExpired = (db: Db, c: KeyClaim) =>
  db.delete(idempotencyKeys).where(and(inScope(c), lte(idempotencyKeys.expiresAt, c.now)));

/**
 * The claim as SQL for the request's first write batch: a plain insert, so a key already held fails
 * the whole batch on the primary key and nothing of the write is applied.
 */
export const claimQueries = (db: Db, c: KeyClaim) =>
  [deleteExpired(db, c).toSQL(), db.insert(idempotencyKeys).values(row(c, null)).toSQL()] as const;

/** Did this D1 error come from a claim whose key is taken (the primary key of `idempotency_keys`)? */
export const isClaimConflict = (error: unknown): boolean =>
  /UNIQUE constraint failed: idempotency_keys\./.test(String((error as Error)?.message ?? error));

/** The finished answer on the row this request claimed. */
export const storeAnswer = (db: Db, c: KeyClaim, answer: StoredAnswer) =>
  db.update(idempotencyKeys).set(answer).where(mine(c));

/** The answer offered before the write, kept in its batch only when `onlyIf` holds after it. */
export const storeAnswerIf = (db: Db, c: KeyClaim, answer: StoredAnswer, onlyIf: SQLWrapper) =>
  db
    .update(idempotencyKeys)
    .set(answer)
    .where(and(mine(c), onlyIf));

/** A claim given up (the answer is one the client may retry): the key is free again. */
export const releaseClaim = (db: Db, c: KeyClaim) => db.delete(idempotencyKeys).where(mine(c));

const selectKey = (db: Db, s: KeyScope) =>
  db
    .select({
      fingerprint: idempotencyKeys.fingerprint,
      claim: idempotencyKeys.claim,
      status: idempotencyKeys.status,
      contentType: idempotencyKeys.contentType,
      body: idempotencyKeys.body,
      createdAt: idempotencyKeys.createdAt,
    })
    .from(idempotencyKeys)
    .where(inScope(s));

export async function findKey(db: Db, s: KeyScope): Promise<StoredKey | undefined> {
  return (await selectKey(db, s))[0];
}

/**
 * ONE batch for a request that wrote nothing: its answer kept unless the key is held, then the row
 * as it is — this request's own (same token), or the one that held it first.
 */
export async function keepAnswerUnlessHeld(db: Db, c: KeyClaim, answer: StoredAnswer): Promise<StoredKey | undefined> {
  const [, , rows] = await db.batch([
    deleteExpired(db, c),
    db.insert(idempotencyKeys).values(row(c, answer)).onConflictDoNothing(),
    selectKey(db, c),
  ]);
  return rows[0];
}

/** Keys past their expiry (the cron). */
export const purgeKeysExpiredBy = (db: Db, now: number) =>
  db.delete(idempotencyKeys).where(lte(idempotencyKeys.expiresAt, now));
