/** Throttle rates as the configuration writes them (docs/configuration.md#variables): `N/second|minute|hour|day`. */
export interface Rate {
  limit: number;
  windowSeconds: number;
}

const PERIOD_SECONDS = { second: 1, minute: 60, hour: 3600, day: 86400 } as const;
const RATE = /^(\d+)\/(second|minute|hour|day)$/;

export function parseRate(value: string): Rate | null {
  const match = RATE.exec(value.trim());
  if (!match) return null;
  const limit = Number(match[1]);
  if (!Number.isSafeInteger(limit) || limit < 1) return null;
  return { limit, windowSeconds: PERIOD_SECONDS[match[2] as keyof typeof PERIOD_SECONDS] };
}
