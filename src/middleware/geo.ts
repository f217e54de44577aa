import type { Context } from 'hono';
import type { AppEnv } from '../context';

const COUNTRY = /^[A-Za-z]{2}$/;

/**
 * The request's country for embargo checks (docs/api/conventions.md#geography): `request.cf.country`, else the
 * `CF-IPCountry` header; with TRUST_COUNTRY_HEADER the header wins (local development and tests,
 * where wrangler dev fills `cf` with a placeholder).
 */
export function requestCountry(c: Context<AppEnv>): string | null {
  const fromCf = (c.req.raw as Request & { cf?: { country?: unknown } }).cf?.country;
  const cf = typeof fromCf === 'string' && COUNTRY.test(fromCf) ? fromCf.toUpperCase() : null;
  const header = c.req.header('CF-IPCountry');
  const fromHeader = header && COUNTRY.test(header) ? header.toUpperCase() : null;
  if (c.get('deps').config.TRUST_COUNTRY_HEADER) return fromHeader ?? cf;
  return cf ?? fromHeader;
}
