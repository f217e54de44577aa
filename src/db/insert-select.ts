import { getTableColumns, is, SQL, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './client';

type RowExpressions<T extends SQLiteTable> = { [K in keyof T['_']['columns']]: SQL | string | number | null };

/**
 * `INSERT INTO table SELECT <one expression per column> <from/where>` as a Drizzle query, so it can
 * join a `db.batch` (Drizzle's raw `db.run(sql)` with parameters cannot). Drizzle lists the target
 * columns in table order; the expressions are emitted in that same order, and the mapped type
 * makes a column added to the table a compile error here until it gets an expression.
 */
export function insertFromSelect<T extends SQLiteTable>(db: Db, table: T, row: RowExpressions<T>, from: SQL) {
  const expressions = Object.keys(getTableColumns(table)).map((key) => {
    const value = row[key as keyof RowExpressions<T>];
    return is(value, SQL) ? value : sql`${value}`;
  });
  return db.insert(table).select(sql`select ${sql.join(expressions, sql`, `)} ${from}`);
}
