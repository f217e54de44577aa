// Pure parsing rules of bulk-enroll.md §3 and §5.1.

/** Identifiers are split on every comma, CR, LF and whitespace; empty pieces dropped, order and duplicates kept. */
export function splitIdentifiers(value: string): string[] {
  return value.split(/[\n\r\s,]+/u).filter((piece) => piece !== '');
}

/** Course and cohort lists: split on `,` only, pieces NOT trimmed (`"a, b"` yields `" b"`). */
export function splitCommaList(value: string | readonly string[]): string[] {
  const items = typeof value === 'string' ? [value] : value;
  return items.flatMap((item) => item.split(','));
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** DRF BooleanField rules, parsed once and used everywhere (§10 defect 3). */
export function parseDrfBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== 'string') return null;
  const v = value.toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return null;
}

// Django's EmailValidator (the rules upstream's validate_email applies to the working e-mail). The
// quoted-string form of RFC 5321 allows control characters, hence the ranges below.
const USER_PART =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Django's user-part grammar, verbatim
  /^(?:[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(?:\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*|"(?:[\x01-\x08\x0b\x0c\x0e-\x1f!#-[\]-\x7f]|\\[\x01-\x09\x0b\x0c\x0e-\x7f])*")$/i;
const DOMAIN_PART = /^(?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+[A-Z0-9-]{2,63}$/i;
const IPV4_LITERAL = /^\[(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\]$/;

function validDomain(domain: string): boolean {
  return (DOMAIN_PART.test(domain) && !domain.endsWith('-')) || IPV4_LITERAL.test(domain);
}

/** Punycode form of an internationalised domain, or null when it is not a valid host name. */
function asciiDomain(domain: string): string | null {
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
