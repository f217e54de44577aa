// Stands in for zod's JSON Schema modules in the deployed bundle (wrangler.toml [alias]):
// `core/json-schema-processors.js` and `core/to-json-schema.js`, ~22 KB that only ever produce the
// OpenAPI document, which this bundle does not generate (src/lib/zod-openapi-runtime.ts). The
// schemas that describe themselves in JSON Schema at module level, for the document only
// (`lenient` fields, documented `oneOf` variants), get an empty description; anything else that
// asks says why it cannot. Same export names as zod 4's modules.
const absent = (name: string) => (): never => {
  throw new Error(`zod's ${name} is left out of this Worker's bundle (wrangler.toml [alias])`);
};

/** `z.toJSONSchema`: the empty schema (documents nothing, admits anything). */
export const toJSONSchema = (): Record<string, unknown> => ({});
export const createToJSONSchemaMethod = () => toJSONSchema;
export const createStandardJSONSchemaMethod = () => toJSONSchema;
export const allProcessors = {};

export const initializeContext = absent('initializeContext');
export const handleUnrepresentable = absent('handleUnrepresentable');
export const processSchema = absent('processSchema');
export { processSchema as process };
export const extractDefs = absent('extractDefs');
export const finalize = absent('finalize');
export const aggregateChecks = absent('aggregateChecks');

// One per schema type; each is called only while a JSON Schema is generated.
const processor = absent('JSON Schema processors');
export const stringProcessor = processor;
export const numberProcessor = processor;
export const booleanProcessor = processor;
export const bigintProcessor = processor;
export const symbolProcessor = processor;
export const nullProcessor = processor;
export const undefinedProcessor = processor;
export const voidProcessor = processor;
export const neverProcessor = processor;
export const anyProcessor = processor;
export const unknownProcessor = processor;
export const dateProcessor = processor;
export const enumProcessor = processor;
export const literalProcessor = processor;
export const nanProcessor = processor;
export const templateLiteralProcessor = processor;
export const fileProcessor = processor;
export const successProcessor = processor;
export const customProcessor = processor;
export const functionProcessor = processor;
export const transformProcessor = processor;
export const mapProcessor = processor;
export const setProcessor = processor;
export const arrayProcessor = processor;
export const objectProcessor = processor;
export const unionProcessor = processor;
export const intersectionProcessor = processor;
export const tupleProcessor = processor;
export const recordProcessor = processor;
export const nullableProcessor = processor;
export const nonoptionalProcessor = processor;
export const defaultProcessor = processor;
export const prefaultProcessor = processor;
export const catchProcessor = processor;
export const pipeProcessor = processor;
export const readonlyProcessor = processor;
export const promiseProcessor = processor;
export const optionalProcessor = processor;
export const lazyProcessor = processor;
