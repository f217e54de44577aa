import { inArray, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';

/**
 * `column IN (list)` with the whole list bound as ONE JSON parameter read by `json_each`: D1 allows
 * 100 bound parameters per statement, so lists of any length cost one parameter and one statement.
 */
export const inJsonList = (column: SQLiteColumn, values: readonly unknown[]) =>
  inArray(column, sql`(select value from json_each(${JSON.stringify(values)}))`);
