/** How much of a caller's value an error message repeats (docs/api/conventions.md#errors). */
export const ECHO_LIMIT = 100;

/**
 * A caller's value as error messages repeat it: whole up to `ECHO_LIMIT` characters, else its start
 * and `…`, so a 20,000-character id does not come back 20,000 characters long.
 */
export function echo(value: unknown): string {
  const text = String(value);
  const chars = Array.from(text);
  return chars.length > ECHO_LIMIT ? `${chars.slice(0, ECHO_LIMIT).join('')}…` : text;
}
