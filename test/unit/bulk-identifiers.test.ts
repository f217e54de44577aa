import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDrfBoolean, splitCommaList, splitIdentifiers } from '../../src/bulk/identifiers';
import { isValidEmail } from '../../src/lib/email';

// docs/api/bulk-enroll.md#fields (parsing rules) and #resolving step 3 (Django validate_email).

/** Upstream splits with Python's `re.split(r'[\n\r\s,]', …)`: `\s` is every character Python calls whitespace. */
const PYTHON_WHITESPACE = [
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
  0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
].map((c) => String.fromCharCode(c));
/** Separators every reading of the spec agrees on (the disputed C0 separators and NEL are tested one by one). */
const SEPARATORS = [
  ',',
  ...PYTHON_WHITESPACE.filter((ch) => ch >= ' ' && ch !== '\u0085'),
  '\t',
  '\n',
  '\v',
  '\f',
  '\r',
];
/** Characters that are never separators (some look like spaces). */
const PIECE_CHARS = [...'abcXYZ019._-+@\'"!#$%&*/=?^`{|}~éß中ж', '\u200b', '\u00ad', '\u2060'];

const piece = fc.string({ unit: fc.constantFrom(...PIECE_CHARS), minLength: 1, maxLength: 12 });
const separatorRun = fc.string({ unit: fc.constantFrom(...SEPARATORS), minLength: 1, maxLength: 4 });

describe('splitIdentifiers (#fields)', () => {
  it('splits on commas, CR, LF, tabs and spaces, dropping empty pieces', () => {
    expect(splitIdentifiers('a,b\nc\rd\te f')).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(splitIdentifiers('  a ,, b\r\n\r\nc,\n')).toEqual(['a', 'b', 'c']);
    expect(splitIdentifiers('')).toEqual([]);
    expect(splitIdentifiers(' ,\r\n\t, ')).toEqual([]);
  });

  it('keeps order and duplicates', () => {
    expect(splitIdentifiers('b,a,b, a\nb')).toEqual(['b', 'a', 'b', 'a', 'b']);
  });

  it('splits on unicode spaces (no-break, em, ideographic, line/paragraph separators)', () => {
    expect(splitIdentifiers('a\u00a0b\u2003c\u3000d\u2028e\u2029f\u202fg\u205fh\u1680i')).toEqual([...'abcdefghi']);
  });

  it.each(SEPARATORS.map((ch) => [`U+${ch.charCodeAt(0).toString(16).padStart(4, '0')}`, ch]))(
    'splits on %s',
    (_name, ch) => {
      expect(splitIdentifiers(`a@example.com${ch}b@example.com`)).toEqual(['a@example.com', 'b@example.com']);
    },
  );

  it('splits on U+001C–U+001F and U+0085 (NEL), which upstream Python `\\s` matches', () => {
    for (const ch of PYTHON_WHITESPACE.filter((c) => !SEPARATORS.includes(c))) {
      expect(splitIdentifiers(`a@example.com${ch}b@example.com`), `U+${ch.charCodeAt(0).toString(16)}`).toEqual([
        'a@example.com',
        'b@example.com',
      ]);
    }
  });

  it('does not split on zero-width space, word joiner or soft hyphen', () => {
    for (const ch of ['\u200b', '\u2060', '\u00ad']) {
      expect(splitIdentifiers(`a${ch}b`), `U+${ch.charCodeAt(0).toString(16)}`).toEqual([`a${ch}b`]);
    }
  });

  it('does not split on U+FEFF (BOM), which Python `\\s` does not match', () => {
    for (const ch of ['\ufeff']) {
      expect(splitIdentifiers(`a${ch}b`), `U+${ch.charCodeAt(0).toString(16)}`).toEqual([`a${ch}b`]);
    }
  });

  it('any pieces joined by any separator runs come back as those pieces, in order', () => {
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 20 }),
        fc.array(separatorRun, { maxLength: 22 }),
        separatorRun,
        (pieces, seps, lead) => {
          const joined = pieces.map((p, i) => `${p}${seps[i] ?? ','}`).join('');
          expect(splitIdentifiers(`${lead}${joined}`)).toEqual(pieces);
        },
      ),
    );
  });

  it('never yields an empty piece or one containing a separator', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...SEPARATORS, ...PIECE_CHARS) }), (text) => {
        for (const p of splitIdentifiers(text)) {
          expect(p).not.toBe('');
          expect(SEPARATORS.some((s) => p.includes(s))).toBe(false);
        }
      }),
    );
  });
});

describe('splitCommaList (#fields courses / cohorts)', () => {
  it('splits on commas only and does not trim', () => {
    expect(splitCommaList('a, b')).toEqual(['a', ' b']);
    expect(splitCommaList('a,b , c')).toEqual(['a', 'b ', ' c']);
    expect(splitCommaList('a b\nc')).toEqual(['a b\nc']);
    expect(splitCommaList('a,,b')).toEqual(['a', '', 'b']);
  });

  it('flattens an array, each element split on commas (B2)', () => {
    expect(splitCommaList(['a', 'b,c', ' d'])).toEqual(['a', 'b', 'c', ' d']);
    expect(splitCommaList([])).toEqual([]);
  });

  it('joining with commas and splitting again is the identity for comma-free items', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string().filter((s) => !s.includes(',')),
          { minLength: 1 },
        ),
        (items) => {
          expect(splitCommaList(items.join(','))).toEqual(items);
          expect(splitCommaList(items)).toEqual(items);
        },
      ),
    );
  });
});

describe('parseDrfBoolean (#fields booleans)', () => {
  it.each([true, 'true', 'True', 'TRUE', '1', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 1])('%j is true', (value) => {
    expect(parseDrfBoolean(value)).toBe(true);
  });

  it.each([false, 'false', 'False', 'FALSE', '0', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 0])('%j is false', (value) => {
    expect(parseDrfBoolean(value)).toBe(false);
  });

  it.each(['', ' ', 'maybe', 'true ', ' true', '2', '-1', 2, -1, 0.5, null, [], [true], {}])(
    '%j is not a boolean',
    (value) => {
      expect(parseDrfBoolean(value)).toBeNull();
    },
  );

  it('mixed-case spellings that neither the spec nor DRF lists are refused ("Anything else → 400")', () => {
    for (const value of ['tRuE', 'trUE', 'yES', 'oN', 'fAlSe', 'nO', 'oFF']) {
      expect(parseDrfBoolean(value), value).toBeNull();
    }
  });
});

/** An address of exactly `length` characters with a valid domain. */
function emailOfLength(length: number) {
  const domain = `${'d'.repeat(63)}.${'e'.repeat(63)}.com`;
  return `${'l'.repeat(length - 1 - domain.length)}@${domain}`;
}

describe('isValidEmail (#resolving step 3, Django EmailValidator)', () => {
  it.each([
    'email@here.com',
    'weirder-email@here.and.there.com',
    'example@valid-----hyphens.com',
    'example@valid-with-hyphens.com',
    "o'brien+tag@example.com",
    "!#$%&'*+/=?^_`{|}~-@example.com",
    'first.last@example.co.uk',
    'UPPER@EXAMPLE.COM',
    'email@localhost',
    'email@[127.0.0.1]',
    '"test@test"@example.com',
    '"john..doe"@example.com',
    '"\\"escaped\\""@example.com',
    'user@xn--mller-kva.de',
    'user@müller.de',
    'user@bücher.example',
    'user@例え.テスト',
    'test@domain.with.idn.tld.उदाहरण.परीक्षा',
    `example@atm.${'a'.repeat(63)}`,
    `example@${'a'.repeat(63)}.atm`,
    'a@b.cd',
    'a@1.23',
  ])('accepts %s', (email) => {
    expect(isValidEmail(email)).toBe(true);
  });

  it.each([
    '',
    'abc',
    'abc@',
    'percivaloctavius@',
    '@example.com',
    'abc@bar',
    'a @x.cz',
    'abc@.com',
    'something@@somewhere.com',
    'email@127.0.0.1',
    'email@[127.0.0.256]',
    'example@invalid-.com',
    'example@-invalid.com',
    'example@invalid.com-',
    'example@inv-.alid-.com',
    'example@inv-.-alid.com',
    'trailingdot@shouldfail.com.',
    'two..dots@example.com',
    '.leading@example.com',
    'trailing.@example.com',
    'a@b.c',
    `example@atm.${'a'.repeat(64)}`,
    `example@${'b'.repeat(64)}.atm`,
    'email@example.com\n',
    'test@example.com\n\n<script src="x.js">',
    '"\\\n"@here.com',
    'ü@example.com',
    'user@exämple.com.',
  ])('refuses %j', (email) => {
    expect(isValidEmail(email)).toBe(false);
  });

  it('refuses anything longer than 320 characters, accepts 320', () => {
    expect(emailOfLength(320)).toHaveLength(320);
    expect(isValidEmail(emailOfLength(320))).toBe(true);
    expect(isValidEmail(emailOfLength(321))).toBe(false);
    expect(isValidEmail(emailOfLength(10_000))).toBe(false);
  });

  it('accepts IPv6 address literals, as Django does (`[2001:db8::1]`)', () => {
    expect(isValidEmail('email@[2001:dB8::1]')).toBe(true);
    expect(isValidEmail('email@[2001:dB8:0:0:0:0:0:1]')).toBe(true);
    expect(isValidEmail('email@[::fffF:127.0.0.1]')).toBe(true);
    expect(isValidEmail('email@[2001:db8::12345]')).toBe(false);
    expect(isValidEmail('email@[2001:dg8::1]')).toBe(false);
  });

  it('refuses URL syntax after an internationalised domain (port, path, query, fragment, tab)', () => {
    // Django punycodes the domain and matches it against its host grammar; ':', '/', '?', '#' never pass.
    for (const email of [
      'a@exämple.com:80',
      'a@exämple.com/x',
      'a@exämple.com?x',
      'a@exämple.com#x',
      'a@bü\tcher.com',
    ]) {
      expect(isValidEmail(email), JSON.stringify(email)).toBe(false);
    }
  });

  it('any dot-atom local part at any domain of valid labels is valid', () => {
    const atom = fc.string({ unit: fc.constantFrom(..."abcXYZ0129!#$%&'*+/=?^_`{|}~-"), minLength: 1, maxLength: 10 });
    const label = fc
      .string({ unit: fc.constantFrom(...'abcxyz0189-'), minLength: 1, maxLength: 20 })
      .filter((l) => !l.startsWith('-') && !l.endsWith('-'));
    const tld = fc.string({ unit: fc.constantFrom(...'abcxyz'), minLength: 2, maxLength: 6 });
    fc.assert(
      fc.property(
        fc.array(atom, { minLength: 1, maxLength: 3 }),
        fc.array(label, { minLength: 1, maxLength: 3 }),
        tld,
        (atoms, labels, top) => {
          const email = `${atoms.join('.')}@${labels.join('.')}.${top}`;
          fc.pre(email.length <= 320);
          expect(isValidEmail(email)).toBe(true);
        },
      ),
    );
  });

  it('no address without an @ is valid', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('@')),
        (s) => {
          expect(isValidEmail(s)).toBe(false);
        },
      ),
    );
  });
});
