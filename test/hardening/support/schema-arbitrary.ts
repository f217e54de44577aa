import fc from 'fast-check';
import { type JsonSchema, type OpenApiDocument, resolve } from './openapi';

/**
 * Values that satisfy a JSON Schema node, for the subset the OpenAPI document uses: `$ref`, `type`
 * (also lists), `enum`, `const`, `anyOf`/`oneOf`, `allOf` (first member), objects (every required
 * key, a random subset of the others, no extra keys), arrays, strings with `minLength`/`maxLength`,
 * `pattern` and the `date-time`/`email`/`uuid` formats, numbers and integers with bounds, booleans
 * and null. A node with no type admits any JSON value. `scalars` leaves out arrays, objects and
 * null (what a form field can carry). Returns null when the node admits nothing of that kind.
 */
export function arbitraryOf(
  document: OpenApiDocument,
  schema: JsonSchema | undefined,
  scalars = false,
): fc.Arbitrary<unknown> | null {
  const node = resolve(document, schema) ?? {};
  if (node.const !== undefined) return admits(node.const, scalars) ? fc.constant(node.const) : null;
  if (node.enum) {
    const values = node.enum.filter((value) => admits(value, scalars));
    return values.length ? fc.constantFrom(...values) : null;
  }
  const variants = node.anyOf ?? node.oneOf;
  if (variants)
    return oneOf(
      variants.map((variant) =>
        arbitraryOf(document, { ...node, anyOf: undefined, oneOf: undefined, ...variant }, scalars),
      ),
    );
  if (node.allOf?.[0]) return arbitraryOf(document, node.allOf[0], scalars);
  const types = node.type === undefined ? ['any'] : Array.isArray(node.type) ? node.type : [node.type];
  return oneOf(types.map((type) => ofType(document, node, type, scalars)));
}

const admits = (value: unknown, scalars: boolean) => !scalars || ['string', 'number', 'boolean'].includes(typeof value);

function oneOf(arbitraries: (fc.Arbitrary<unknown> | null)[]): fc.Arbitrary<unknown> | null {
  const present = arbitraries.filter((a): a is fc.Arbitrary<unknown> => a !== null);
  return present.length ? fc.oneof(...present) : null;
}

function ofType(document: OpenApiDocument, node: JsonSchema, type: string, scalars: boolean) {
  switch (type) {
    case 'string':
      return stringOf(node);
    case 'integer':
      return fc.integer({ min: node.minimum ?? -1_000_000, max: node.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: node.minimum ?? -1e9, max: node.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return scalars ? null : fc.constant(null);
    case 'array':
      return scalars ? null : arrayOf(document, node);
    case 'object':
      return scalars ? null : objectOf(document, node);
    default:
      return scalars ? fc.oneof(fc.string(), fc.integer(), fc.boolean()) : fc.jsonValue({ maxDepth: 2 });
  }
}

/** JSON Schema counts a string's length in code points. */
const codePoints = (s: string) => [...s].length;

/** One arbitrary per pattern: building one over Unicode classes (course keys) takes about a second. */
const matching = new Map<string, fc.Arbitrary<string>>();
function matchingPattern(pattern: string): fc.Arbitrary<string> {
  const known = matching.get(pattern);
  if (known) return known;
  const arbitrary = fc.stringMatching(new RegExp(pattern, 'u'));
  matching.set(pattern, arbitrary);
  return arbitrary;
}

function stringOf(node: JsonSchema): fc.Arbitrary<unknown> {
  const minLength = node.minLength ?? 0;
  const { maxLength } = node;
  const fits = (s: string) => codePoints(s) >= minLength && (maxLength === undefined || codePoints(s) <= maxLength);
  if (node.pattern) return matchingPattern(node.pattern).filter(fits);
  if (node.format === 'date-time') {
    return fc
      .date({ min: new Date(Date.UTC(1970, 0, 1)), max: new Date(Date.UTC(2200, 0, 1)), noInvalidDate: true })
      .map((d) => d.toISOString());
  }
  if (node.format === 'email') return fc.emailAddress().filter(fits);
  if (node.format === 'uuid') return fc.uuid();
  const bounds = { minLength, maxLength: Math.max(minLength, Math.min(maxLength ?? 40, minLength + 40)) };
  const short = fc.oneof(
    fc.string(bounds),
    fc.string({ ...bounds, unit: 'grapheme' }),
    fc.string({ ...bounds, unit: 'binary' }),
  );
  // Strings at the documented maximum, in characters outside the BMP (two UTF-16 units each).
  const longest = maxLength === undefined ? null : fc.string({ unit: 'binary', minLength: maxLength, maxLength });
  return oneOf([short.filter(fits), longest]) as fc.Arbitrary<unknown>;
}

function arrayOf(document: OpenApiDocument, node: JsonSchema) {
  const items = arbitraryOf(document, node.items);
  if (!items) return null;
  const minLength = node.minItems ?? 0;
  return fc.array(items, { minLength, maxLength: Math.max(minLength, Math.min(node.maxItems ?? 4, minLength + 4)) });
}

function objectOf(document: OpenApiDocument, node: JsonSchema) {
  const required = new Set(node.required ?? []);
  const entries: [string, fc.Arbitrary<unknown>][] = [];
  for (const [key, property] of Object.entries(node.properties ?? {})) {
    const value = arbitraryOf(document, property);
    if (value) entries.push([key, value]);
    else if (required.has(key)) return null;
  }
  return fc.record(Object.fromEntries(entries), {
    requiredKeys: [...required].filter((key) => key in (node.properties ?? {})),
  });
}

/** The top-level fields of a form body: each a scalar (a form carries text only). */
export function formFieldsOf(document: OpenApiDocument, schema: JsonSchema | undefined) {
  const node = resolve(document, schema);
  if (!node?.properties) return null;
  const required = new Set(node.required ?? []);
  const entries: [string, fc.Arbitrary<unknown>][] = [];
  for (const [key, property] of Object.entries(node.properties)) {
    const value = arbitraryOf(document, property, true);
    if (value) entries.push([key, value]);
    else if (required.has(key)) return null;
  }
  return fc
    .record(Object.fromEntries(entries), { requiredKeys: [...required] })
    .map((fields) => Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, String(value)])));
}
