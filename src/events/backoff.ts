/** Longest wait between two attempts: 6 hours (docs/events.md#delivery). */
export const MAX_BACKOFF_SECONDS = 21_600;

/** Seconds before the attempt after attempt number `attempt` (1-based): doubling from `base`, capped. */
export const backoffSeconds = (attempt: number, base: number) =>
  Math.min(base * 2 ** Math.max(0, attempt - 1), MAX_BACKOFF_SECONDS);
