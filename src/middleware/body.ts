import type { Context } from 'hono';
import { ApiError } from '../lib/errors';

const typeName = (value: unknown) =>
  Array.isArray(value) ? 'list' : value === null ? 'null' : typeof value === 'string' ? 'str' : typeof value;

/**
 * The request body as a JSON object (DRF-style errors). Form bodies are read as flat objects, as
 * DRF's parsers would; an empty body is `{}`.
 */
export async function readObjectBody(c: Context): Promise<Record<string, unknown>> {
  const type = c.req.header('Content-Type') ?? '';
  if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
    try {
      return { ...(await c.req.parseBody()) };
    } catch {
      throw new ApiError(400, { detail: 'Malformed form body.' });
    }
  }
  const text = await c.req.text();
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, { detail: `JSON parse error - ${(error as Error).message}` });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError(400, { detail: `Invalid data. Expected a dictionary, but got ${typeName(value)}.` });
  }
  return value as Record<string, unknown>;
}
