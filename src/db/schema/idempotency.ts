// Idempotency keys (docs/api/idempotency.md): one row per (caller, method, path, key), written by
// src/idempotency/ only. The row is claimed inside the request's first write batch (running: no
// `status`), then holds the request's final answer until `expires_at`; the cron purges it after.
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { millis } from './columns';

export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    /** `user:<username>` or `api-key:<digest prefix>` (the caller identity of the scope). */
    principal: text('principal').notNull(),
    method: text('method').notNull(),
    /** The path without query and trailing slash. */
    path: text('path').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    /** SHA-256 (hex) of method, path, query, content type and body bytes. */
    fingerprint: text('fingerprint').notNull(),
    /** Random token of the request holding the key: tells its own row from a concurrent one. */
    claim: text('claim').notNull(),
    /** The stored answer; null while the first request runs. */
    status: integer('status'),
    contentType: text('content_type'),
    /** Null with a status: the answer was over the stored-body bound (docs/api/idempotency.md#size). */
    body: text('body'),
    createdAt: millis('created_at').notNull(),
    expiresAt: millis('expires_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.principal, t.method, t.path, t.idempotencyKey] }),
    index('idempotency_keys_expires_idx').on(t.expiresAt),
  ],
);
