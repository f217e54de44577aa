// Opaque keyset-paging cursors, one codec for every list: base64url (no padding) of
// `<direction><sep><field><sep><field>…`. Each list picks its separator, fields and bounds, so its
// tokens keep their wire format; a malformed or foreign token decodes to null (the endpoint words
// the error: the admin list answers 404 "Invalid cursor", the program lists 400/404 per upstream).

/** `n`: rows after the position, `p`: rows before it. */
export type Direction = 'n' | 'p';

export type KeysetCursor<K extends string> = { direction: Direction } & { [P in K]: number };

export interface CursorFormat<K extends string> {
  separator: string;
  /** The fields in order, each with the pattern of its digits (e.g. `-?\\d{1,15}`). */
  fields: readonly (readonly [name: K, digits: string])[];
  /** Longest token accepted; longer ones were not issued here. */
  maxTokenLength: number;
}

export interface CursorCodec<K extends string> {
  encode(cursor: KeysetCursor<K>): string;
  decode(token: string): KeysetCursor<K> | null;
}

const toBase64Url = (text: string) => btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');

function fromBase64Url(token: string): string | null {
  try {
    return atob(token.replaceAll('-', '+').replaceAll('_', '/'));
  } catch {
    return null;
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function cursorCodec<K extends string>({ separator, fields, maxTokenLength }: CursorFormat<K>): CursorCodec<K> {
  const tokenShape = new RegExp(`^[A-Za-z0-9_-]{1,${maxTokenLength}}$`);
  const sep = escapeRegExp(separator);
  const textShape = new RegExp(`^([np])${fields.map(([, digits]) => `${sep}(${digits})`).join('')}$`);
  return {
    encode: (cursor) => toBase64Url([cursor.direction, ...fields.map(([name]) => cursor[name])].join(separator)),
    decode(token) {
      if (!tokenShape.test(token)) return null;
      const match = textShape.exec(fromBase64Url(token) ?? '');
      if (!match) return null;
      const cursor: Record<string, unknown> = { direction: match[1] };
      for (const [i, [name]] of fields.entries()) {
        const value = Number(match[i + 2]);
        if (!Number.isSafeInteger(value)) return null;
        cursor[name] = value;
      }
      return cursor as KeysetCursor<K>;
    },
  };
}

/** Admin enrollment list (E8): `<direction>|<created ms>|<row id>`, rows ordered by (created, id) descending. */
export type Cursor = KeysetCursor<'createdAt' | 'id'>;

const createdIdCodec = cursorCodec({
  separator: '|',
  fields: [
    ['createdAt', '-?\\d{1,15}'],
    ['id', '\\d{1,15}'],
  ],
  maxTokenLength: 200,
});

export const encodeCursor = (cursor: Cursor): string => createdIdCodec.encode(cursor);
export const decodeCursor = (token: string): Cursor | null => createdIdCodec.decode(token);
