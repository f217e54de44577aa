// Pure parsing rules of bulk-enroll.md §3 and §5.1.

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

/** Course and cohort lists: split on `,` only, pieces NOT trimmed (`"a, b"` yields `" b"`). */
export function splitCommaList(value: string | readonly string[]): string[] {
  const items = typeof value === 'string' ? [value] : value;
  return items.flatMap((item) => item.split(','));
}

// DRF BooleanField's fixed spellings (no case folding beyond these).
const TRUE = new Set(['t', 'T', 'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON', '1']);
const FALSE = new Set(['f', 'F', 'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF', '0']);

/** DRF BooleanField rules, parsed once and used everywhere (§10 defect 3). */
export function parseDrfBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== 'string') return null;
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  return null;
}

// Django's EmailValidator (the rules upstream's validate_email applies to the working e-mail). The
// quoted-string form of RFC 5321 allows control characters, hence the ranges below.
const USER_PART =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Django's user-part grammar, verbatim
  /^(?:[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(?:\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*|"(?:[\x01-\x08\x0b\x0c\x0e-\x1f!#-[\]-\x7f]|\\[\x01-\x09\x0b\x0c\x0e-\x7f])*")$/i;
const DOMAIN_PART = /^(?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+[A-Z0-9-]{2,63}$/i;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
/** Django's literal form: `[<IPv4 or IPv6 address>]`. */
const ADDRESS_LITERAL = /^\[([a-f0-9:.]+)\]$/i;

function isIpv6(address: string): boolean {
  if (!address.includes(':')) return false;
  try {
    return new URL(`http://[${address}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

function validDomain(domain: string): boolean {
  if (DOMAIN_PART.test(domain) && !domain.endsWith('-')) return true;
  const literal = ADDRESS_LITERAL.exec(domain)?.[1];
  return literal !== undefined && (IPV4.test(literal) || isIpv6(literal));
}

/** Characters the URL parser would treat as a port, path, query, fragment or strip (tabs, newlines). */
const NOT_IN_A_HOST_NAME = /[\s:/?#@[\]\\%]/u;

/** Punycode form of an internationalised domain, or null when it is not a valid host name. */
function asciiDomain(domain: string): string | null {
  if (NOT_IN_A_HOST_NAME.test(domain)) return null;
  try {
    return new URL(`http://${domain}/`).hostname;
  } catch {
    return null;
  }
}

export function isValidEmail(value: string): boolean {
  if (!value || value.length > 320) return false;
  const at = value.lastIndexOf('@');
  if (at < 0) return false;
  const user = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (!USER_PART.test(user)) return false;
  if (domain === 'localhost' || validDomain(domain)) return true;
  const isAscii = [...domain].every((ch) => ch.charCodeAt(0) < 128);
  const ascii = isAscii ? null : asciiDomain(domain);
  return ascii !== null && validDomain(ascii);
}
