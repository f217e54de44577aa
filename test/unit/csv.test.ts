import { parse as csvParse } from 'csv-parse/browser/esm/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv, parseCsvRecords } from '../../src/lib/csv';

// The reader that replaced csv-parse (src/lib/csv.ts) must read every well-formed CSV as csv-parse
// did with the options the bulk upload used (bom, trim, skip_empty_lines): csv-parse is the oracle.
const oracle = (text: string) =>
  csvParse(text, { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true }) as string[][];

const char = fc.constantFrom('a', 'Z', '0', ' ', '\t', ',', '"', '\n', '\r', 'é', '@', '.', '-');
const value = fc.string({ unit: char, maxLength: 8 });
const blanks = fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 2 });

/** A field as a writer may put it: quoted when it must be (or at random), blanks around it. */
const written = fc.record({ value, quote: fc.boolean(), before: blanks, after: blanks }).map((f) => {
  const needs = /[",\r\n]/.test(f.value) || f.value !== f.value.trim() || f.value === '';
  const body = needs || f.quote ? `"${f.value.replaceAll('"', '""')}"` : f.value;
  return { value: f.value, text: `${f.before}${body}${f.after}` };
});

const documents = fc
  .record({
    records: fc.array(fc.array(written, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
    newline: fc.constantFrom('\n', '\r\n', '\r'),
    bom: fc.boolean(),
    blankLines: fc.array(fc.nat(5), { maxLength: 2 }),
    trailing: fc.boolean(),
  })
  .map(({ records, newline, bom, blankLines, trailing }) => {
    const lines = records.map((r) => r.map((f) => f.text).join(','));
    for (const at of blankLines) lines.splice(Math.min(at, lines.length), 0, ' ');
    return {
      text: `${bom ? '\ufeff' : ''}${lines.join(newline)}${trailing ? newline : ''}`,
      values: records.map((r) => r.map((f) => f.value)),
    };
  });

describe('parseCsvRecords', () => {
  it('reads every well-formed document as csv-parse does, and as it was written', () => {
    fc.assert(
      fc.property(documents, ({ text, values }) => {
        const records = parseCsvRecords(text);
        expect(records).toEqual(oracle(text));
        expect(records).toEqual(values);
      }),
      { numRuns: 500 },
    );
  });

  it('the upload of the docs example, CRLF, BOM, quotes and blank lines', () => {
    const text = '\ufeffname,identifier\r\n"Doe, Jane", a@example.com \r\n\r\n"say ""hi""",b\r\n';
    expect(parseCsvRecords(text)).toEqual([
      ['name', 'identifier'],
      ['Doe, Jane', 'a@example.com'],
      ['say "hi"', 'b'],
    ]);
    expect(parseCsvRecords('')).toEqual([]);
  });

  it('refuses malformed quoting where csv-parse did, naming the line', () => {
    for (const [text, message] of [
      ['a\n"open', /Quote not closed: the quoted field opened on line 2/],
      ['a\nb"c', /Invalid opening quote on line 2/],
      ['"a"b', /Invalid closing quote on line 1/],
    ] as const) {
      expect(() => parseCsvRecords(text), text).toThrow(message);
      expect(() => oracle(text), text).toThrow();
    }
  });
});

describe('parseCsv', () => {
  const lower = (names: string[]) => names.map((n) => n.trim().toLowerCase());

  it('keys each record by the mapped header', () => {
    expect(parseCsv(' Email ,Name\nx@example.com,X\n', lower)).toEqual([{ email: 'x@example.com', name: 'X' }]);
    expect(parseCsv('', lower)).toEqual([]);
    expect(parseCsv('email\n', lower)).toEqual([]);
  });

  it('refuses a record whose length differs from the header', () => {
    expect(() => parseCsv('a,b\n1\n', lower)).toThrow(CsvError);
    expect(() => parseCsv('a\n1,2\n', lower)).toThrow(/header has 1 columns, record 1 has 2/);
  });
});
