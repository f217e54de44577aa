import { integer } from 'drizzle-orm/sqlite-core';

// Column helpers shared by the schema files. Times are epoch milliseconds (integers) so comparisons
// and keyset paging stay index-friendly; the wire format is produced by lib/datetime.ts.

export const bool = (name: string) => integer(name, { mode: 'boolean' });
export const millis = (name: string) => integer(name);

/** `created_at` and `updated_at`, in that order (a spread keeps the table's column order). */
export const timestamps = () => ({
  createdAt: millis('created_at').notNull(),
  updatedAt: millis('updated_at').notNull(),
});
