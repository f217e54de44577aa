// Stands in for zod's `locales/index.js` in the bundle (wrangler.toml [alias]): `@hono/zod-openapi`
// imports zod's namespace, whose `locales` member keeps all of zod's locales (~360 KB of the
// bundle, parsed at every isolate start). Errors are English only here, so English is all it keeps.
export { default as en } from 'zod/v4/locales/en.js';
