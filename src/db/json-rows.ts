import { type SQL, sql } from 'drizzle-orm';
import { chunkByJsonSize } from '../lib/chunks';

/**
 * Many rows bound as ONE JSON parameter and read with `json_each`, so a set-based statement writes
 * any number of rows with a constant number of bound parameters (D1 allows 100 per statement):
 * `from ${jsonRows(rows)} where true` with `${jsonField('k')}` for a field of the current row.
 */
export const jsonRows = (rows: readonly unknown[], alias = 'j'): SQL =>
  sql`json_each(${JSON.stringify(rows)}) ${sql.raw(identifier(alias))}`;

/** `json_extract(<alias>.value, '$.<name>')`; names and aliases are code constants, checked anyway. */
export const jsonField = (name: string, alias = 'j'): SQL =>
  sql.raw(`json_extract(${identifier(alias)}.value, '$.${identifier(name)}')`);

/**
 * Largest JSON list bound as one parameter. D1 refuses longer strings (SQLITE_TOOBIG, ~2 MB in
 * production, less locally), so a longer list becomes several statements of the same batch.
 */
const MAX_JSON_PARAMETER_BYTES = 256 * 1024;

/** `rows` in order, in pieces that each fit one JSON parameter. */
export const jsonPieces = <T>(rows: readonly T[]) => chunkByJsonSize(rows, MAX_JSON_PARAMETER_BYTES);

function identifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not an identifier: ${name}`);
  return name;
}
