/**
 * RFC 4180 CSV for the bulk-enrollment upload (docs/api/bulk-enroll.md#csv): `,` between fields,
 * `"` around a field that holds one (doubled inside), CRLF, LF or CR between records. As the
 * csv-parse options this replaced (bom, trim, skip_empty_lines): a leading BOM is dropped, spaces
 * and tabs around a field are not part of it (inside quotes they are), blank lines are skipped.
 * Written here because csv-parse's Worker build was a quarter of the bundle's non-zod code
 * (docs/operations.md#start-up). Malformed input throws `CsvError` naming the line.
 */
export class CsvError extends Error {}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
const isBlank = (code: number) => code === 32 || code === 9;

interface Cursor {
  text: string;
  at: number;
  line: number;
}

/** A quoted field from the opening quote; leaves the cursor after the closing one. */
function quoted(c: Cursor): string {
  const startLine = c.line;
  let value = '';
  let from = c.at + 1;
  for (let i = from; i < c.text.length; i += 1) {
    const code = c.text.charCodeAt(i);
    if (code === LF || (code === CR && c.text.charCodeAt(i + 1) !== LF)) c.line += 1;
    if (code !== QUOTE) continue;
    value += c.text.slice(from, i);
    if (c.text.charCodeAt(i + 1) === QUOTE) {
      value += '"';
      from = i + 2;
      i += 1;
      continue;
    }
    c.at = i + 1;
    return value;
  }
  throw new CsvError(`Quote not closed: the quoted field opened on line ${startLine} never ends.`);
}

/** One field from the cursor (blanks around it dropped); leaves the cursor on its delimiter or the end. */
function field(c: Cursor): string {
  const { text } = c;
  while (c.at < text.length && isBlank(text.charCodeAt(c.at))) c.at += 1;
  if (text.charCodeAt(c.at) === QUOTE) {
    const value = quoted(c);
    while (c.at < text.length && isBlank(text.charCodeAt(c.at))) c.at += 1;
    const next = text.charCodeAt(c.at);
    if (c.at < text.length && next !== COMMA && next !== LF && next !== CR) {
      throw new CsvError(`Invalid closing quote on line ${c.line}: a field continues after its closing quote.`);
    }
    return value;
  }
  const start = c.at;
  while (c.at < text.length) {
    const code = text.charCodeAt(c.at);
    if (code === COMMA || code === LF || code === CR) break;
    if (code === QUOTE)
      throw new CsvError(`Invalid opening quote on line ${c.line}: a quote inside an unquoted field.`);
    c.at += 1;
  }
  return text.slice(start, c.at).replace(/[ \t]+$/, '');
}

/** Every record of `text`; a line holding nothing (or only blanks) is no record. */
export function parseCsvRecords(text: string): string[][] {
  const c: Cursor = { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, at: 0, line: 1 };
  const records: string[][] = [];
  while (c.at < c.text.length) {
    const lineStart = c.at;
    const record = [field(c)];
    while (c.text.charCodeAt(c.at) === COMMA) {
      c.at += 1;
      record.push(field(c));
    }
    const blank = record.length === 1 && record[0] === '' && !c.text.slice(lineStart, c.at).includes('"');
    if (!blank) records.push(record);
    if (c.text.charCodeAt(c.at) === CR) c.at += 1;
    if (c.text.charCodeAt(c.at) === LF) c.at += 1;
    c.line += 1;
  }
  return records;
}

/**
 * Records as objects keyed by the header row (`header` maps its names); every record must have as
 * many fields as the header.
 */
export function parseCsv(text: string, header: (names: string[]) => string[]): Record<string, string>[] {
  const [names, ...rows] = parseCsvRecords(text);
  if (!names) return [];
  const columns = header(names);
  return rows.map((row, index) => {
    if (row.length !== columns.length) {
      throw new CsvError(
        `Invalid record length: the header has ${columns.length} columns, record ${index + 1} has ${row.length}.`,
      );
    }
    const record: Record<string, string> = {};
    columns.forEach((name, i) => {
      record[name] = row[i] ?? '';
    });
    return record;
  });
}
