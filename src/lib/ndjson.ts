/** One non-blank line of an NDJSON body: its 1-based number and the parsed value, or why not. */
export type NdjsonLine = { line: number; value: unknown } | { line: number; error: string };

/** The outcome of splitting a body: its lines, or the count when it has more than allowed. */
export type NdjsonBody = { lines: NdjsonLine[] } | { tooMany: number };

/**
 * Splits an `application/x-ndjson` body into its lines (`\n` or `\r\n`), each parsed on its own so
 * one bad line never hides the others. Blank lines are skipped but counted, so a reported `line`
 * is the line a text editor shows. More than `maxLines` non-blank lines: nothing is parsed.
 */
export function splitNdjson(text: string, maxLines: number): NdjsonBody {
  const raw = text.split('\n');
  const numbered: { line: number; text: string }[] = [];
  raw.forEach((piece, index) => {
    const trimmed = piece.trim();
    if (trimmed !== '') numbered.push({ line: index + 1, text: trimmed });
  });
  if (numbered.length > maxLines) return { tooMany: numbered.length };
  return { lines: numbered.map(({ line, text: lineText }) => parseLine(line, lineText)) };
}

function parseLine(line: number, text: string): NdjsonLine {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { line, value };
    return { line, error: 'Not a JSON object.' };
  } catch (error) {
    return { line, error: `Not valid JSON: ${(error as Error).message}` };
  }
}
