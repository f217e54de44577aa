import type { SQLWrapper } from 'drizzle-orm';

// The idempotency claim's ride on a request's first write (docs/api/idempotency.md#claim). The
// counting D1 wrapper (client.ts) calls these; the idempotency domain builds the statements.

type SqlStatement = { sql: string; params: readonly unknown[] };

/** An answer as a request expects to give it: status, JSON body (the text `c.json` would send). */
export interface OfferedAnswer {
  status: number;
  json: unknown;
}

/** Statements sent once in front of a request's first write, and what became of them. */
export interface FirstWriteClaim {
  readonly statements: readonly SqlStatement[];
  /** Whether a failed batch failed on the claim itself (its key is taken). */
  readonly isConflict: (error: unknown) => boolean;
  state: 'armed' | 'claimed' | 'conflicted' | 'disarmed';
  /**
   * Takes the answer the handler expects to give, kept in the same batch when `onlyIf` (SQL over
   * the batch's own writes) holds there (docs/api/idempotency.md#cost).
   */
  readonly offer?: (answer: OfferedAnswer, onlyIf: SQLWrapper) => void;
  /** Statements sent after the write's own, in its batch: the offered answer kept. */
  tail?: readonly SqlStatement[];
  /** What `tail` did, once the batch ran. */
  tailResults?: readonly D1Result[];
}

export type ClaimOf = () => FirstWriteClaim | undefined;

/**
 * Thrown in place of D1's constraint error when the claim's key is held: the write was not applied,
 * and the idempotency guard answers for it — it is not an unexpected error.
 */
export class ClaimTaken extends Error {
  constructor(cause: unknown) {
    super('idempotency key already held', { cause });
    this.name = 'ClaimTaken';
  }
}

export const isClaimTaken = (error: unknown): boolean => {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) if (e instanceof ClaimTaken) return true;
  return false;
};

/** Drizzle's reads all start with `select`; anything else may write. */
export const isWrite = (query: string) => !/^\s*select\b/i.test(query);

/** The claim pending for a write of `queries`, if any. */
export function pendingClaim(claimOf: ClaimOf, queries: readonly string[]): FirstWriteClaim | undefined {
  const claim = claimOf();
  return claim?.state === 'armed' && queries.some(isWrite) ? claim : undefined;
}

/** ONE atomic batch: the claim's statements, `statements`, the claim's tail; answers `statements`' results. */
export async function withClaim(d1: D1Database, claim: FirstWriteClaim, statements: D1PreparedStatement[]) {
  const prepare = ({ sql, params }: SqlStatement) => d1.prepare(sql).bind(...params);
  const head = claim.statements.map(prepare);
  const tail = (claim.tail ?? []).map(prepare);
  try {
    const results = await d1.batch([...head, ...statements, ...tail]);
    claim.state = 'claimed';
    const end = head.length + statements.length;
    claim.tailResults = results.slice(end) as D1Result[];
    return results.slice(head.length, end);
  } catch (error) {
    if (!claim.isConflict(error)) throw error;
    claim.state = 'conflicted';
    throw new ClaimTaken(error);
  }
}

/** A batch result as the single-statement executor (`run`/`all`/`first`/`raw`) would answer it. */
export function asExecutor(result: D1Result, executor: string, args: unknown[]): unknown {
  if (executor === 'run' || executor === 'all') return result;
  const rows = (result.results ?? []) as Record<string, unknown>[];
  if (executor === 'first') {
    const column = args[0];
    const row = rows[0];
    if (!row) return null;
    return typeof column === 'string' ? row[column] : row;
  }
  const values = rows.map((row) => Object.values(row));
  const columnNames = (args[0] as { columnNames?: boolean } | undefined)?.columnNames;
  return columnNames ? [Object.keys(rows[0] ?? {}), ...values] : values;
}
