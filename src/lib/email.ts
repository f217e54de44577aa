// The one e-mail rule of the service. Zod schemas use it as `.refine(isValidEmail, message)`, each
// endpoint keeping its own wording (provisioning: "Not a valid e-mail address.").
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

/** Django's EmailValidator: what upstream's validate_email accepts (bulk enroll, allowances, provisioning). */
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
