// Durable data (D1), one file per domain. Times are epoch milliseconds (integers) so comparisons and
// keyset paging stay index-friendly; the wire format is produced by lib/datetime.ts. drizzle-kit
// reads this file (drizzle.config.ts), so every table must be re-exported here.
export * from './catalog';
export * from './cohorts';
export * from './enrollments';
export * from './events';
export * from './idempotency';
export * from './jobs';
export * from './programs';
export * from './provisioning';
export * from './users';
