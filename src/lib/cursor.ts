/**
 * Opaque keyset-paging cursors: base64url of `<direction>|<created ms>|<row id>`. A malformed or
 * foreign token decodes to null (the admin list answers 404 "Invalid cursor").
 */
export interface Cursor {
  /** `n`: rows after the position (older), `p`: rows before it (newer). */
  direction: 'n' | 'p';
  createdAt: number;
  id: number;
}

const toBase64Url = (text: string) => btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');

export function encodeCursor(cursor: Cursor): string {
  return toBase64Url(`${cursor.direction}|${cursor.createdAt}|${cursor.id}`);
}

export function decodeCursor(token: string): Cursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(token)) return null;
  let text: string;
  try {
    text = atob(token.replaceAll('-', '+').replaceAll('_', '/'));
  } catch {
    return null;
  }
  const match = /^([np])\|(-?\d{1,15})\|(\d{1,15})$/.exec(text);
  if (!match) return null;
  return { direction: match[1] as 'n' | 'p', createdAt: Number(match[2]), id: Number(match[3]) };
}
