// Stands in for two zod modules in the bundle (wrangler.toml [alias]): `core/compile.js` (z.compile)
// and `classic/from-json-schema.js` (z.fromJSONSchema), ~40 KB this service never calls but zod's
// namespace export keeps. Same export names; calling one says why it is missing.
export const INVALID = Symbol.for('zod.compile.invalid');

const absent = (name: string) => (): never => {
  throw new Error(`z.${name} is left out of this Worker's bundle (wrangler.toml [alias])`);
};

export class ZodCompileAsyncError extends Error {}
export class ZodCompileUnsupportedError extends Error {}
export const compile = absent('compile');
export const withParser = absent('withParser');
export const compileFn = absent('compileFn');
export const fromJSONSchema = absent('fromJSONSchema');
