// Root `postinstall`: copies the docs page's assets from node_modules into public/vendor/, which the
// Worker serves as static assets ([assets] in wrangler.toml). /docs therefore never loads from a CDN.
// public/vendor/ is generated (gitignored); public/ itself is committed so `[assets]` always exists.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

const SWAGGER_UI = 'node_modules/swagger-ui-dist';
// @hono/swagger-ui links `${baseUrl}/swagger-ui-dist/{swagger-ui.css,swagger-ui-bundle.js}`.
const files = ['swagger-ui.css', 'swagger-ui-bundle.js', 'LICENSE', 'NOTICE'];

if (!existsSync(SWAGGER_UI)) {
  // `npm ci --omit=dev` (a deploy-only install) has no swagger-ui-dist: nothing to copy.
  console.warn(`copy-vendor: ${SWAGGER_UI} is not installed; /docs will have no assets`);
  process.exit(0);
}
for (const file of files) {
  const to = `public/vendor/swagger-ui-dist/${file}`;
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(`${SWAGGER_UI}/${file}`, to);
}
console.log(`copy-vendor: ${files.length} swagger-ui-dist files → public/vendor/swagger-ui-dist/`);
