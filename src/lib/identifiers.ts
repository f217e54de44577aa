// Lists of usernames and e-mails pasted into one field (bulk enroll, cohort members).

/**
 * Upstream splits on `[\n\r\s,]` with Python 3's `\s`, i.e. what `str.isspace()` accepts: unlike
 * JavaScript's `\s` it includes U+001C–U+001F and U+0085 and excludes U+FEFF.
 */
const SEPARATORS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Python's whitespace includes these separators
  /[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000,]+/u;

/** Identifiers are split on every comma, CR, LF and whitespace; empty pieces dropped, order and duplicates kept. */
export function splitIdentifiers(value: string): string[] {
  return value.split(SEPARATORS).filter((piece) => piece !== '');
}

/** Python's `str.strip()`: the same whitespace as the separators, commas excluded. */
const PYTHON_SPACE = '\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const EDGES = new RegExp(`^[${PYTHON_SPACE}]+|[${PYTHON_SPACE}]+$`, 'gu');

export const stripPython = (value: string): string => value.replace(EDGES, '');
