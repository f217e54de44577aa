import type { Context } from 'hono';

/** Why a body could not be read. The route's input style words the 400. */
export type BodyFault = { kind: 'json'; reason: string } | { kind: 'form' };

/** The one body-reading failure: thrown by `readBody`, rendered by the route's input style. */
export class UnreadableBody extends Error {
  constructor(readonly fault: BodyFault) {
    super(fault.kind === 'json' ? `JSON parse error - ${fault.reason}` : 'Malformed form body.');
    this.name = 'UnreadableBody';
  }
}

export const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'] as const;

/** The media type of a `Content-Type` value: lower case, parameters dropped. */
export const mediaType = (header: string | undefined) => (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

export const isFormType = (type: string) => (FORM_TYPES as readonly string[]).includes(type);

export interface ReadBodyOptions {
  /** Read form and multipart bodies as flat fields (DRF's parsers); otherwise their text must be JSON. */
  form: boolean;
  /** What an empty (or all-whitespace) body stands for; DRF's `request.data` is then `{}`. */
  empty: unknown;
}

/**
 * The request body: form fields when `form` allows and the Content-Type is a form type, otherwise
 * the text parsed as JSON whatever the Content-Type says (docs/api/conventions.md#errors: "a body
 * that is not JSON where JSON is required is a 400"). Throws `UnreadableBody`.
 */
export async function readBody(c: Context, { form, empty }: ReadBodyOptions): Promise<unknown> {
  if (form && isFormType(mediaType(c.req.header('Content-Type')))) {
    try {
      return { ...(await c.req.parseBody()) };
    } catch {
      throw new UnreadableBody({ kind: 'form' });
    }
  }
  const text = await c.req.text();
  if (text.trim() === '') return empty;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UnreadableBody({ kind: 'json', reason: (error as Error).message });
  }
}
