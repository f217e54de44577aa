// `npm run openapi:check`: exports the Worker's /openapi.json (scripts/export-openapi.mjs) and lints it
// with Redocly's `recommended` ruleset (structural validation of OpenAPI 3.1 included). Exits 1 on any
// error; warnings are printed and counted. `--from <file>` lints an already exported document.
// The totals also go to test-results/openapi-lint.json for CI.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createConfig, formatProblems, getTotals, lint } from '@redocly/openapi-core';
import { DOCUMENT_FILE, exportOpenApiDocument } from './export-openapi.mjs';

const fromIndex = process.argv.indexOf('--from');
const file = fromIndex > 0 ? process.argv[fromIndex + 1] : DOCUMENT_FILE;
if (!file) throw new Error('usage: check-openapi.mjs [--from <file>]');
if (fromIndex < 0) await exportOpenApiDocument(file);

const config = await createConfig({ extends: ['recommended'] });
const problems = await lint({ ref: resolve(file), config });
const totals = getTotals(problems);
if (problems.length > 0) {
  formatProblems(problems, { totals, format: 'stylish', color: false, maxProblems: 1000 });
}

const summary = {
  file,
  errors: totals.errors,
  warnings: totals.warnings,
  byRule: Object.fromEntries(
    Object.entries(
      problems.reduce((counts, p) => {
        const key = `${p.severity} ${p.ruleId}`;
        counts[key] = (counts[key] ?? 0) + 1;
        return counts;
      }, {}),
    ).sort(),
  ),
};
mkdirSync('test-results', { recursive: true });
writeFileSync('test-results/openapi-lint.json', `${JSON.stringify(summary, null, 2)}\n`);
console.log(
  `openapi: Redocly recommended lint of ${file}: ${totals.errors} error(s), ${totals.warnings} warning(s)` +
    (problems.length
      ? ` (${Object.entries(summary.byRule)
          .map(([rule, n]) => `${rule} ×${n}`)
          .join(', ')})`
      : ''),
);
process.exit(totals.errors > 0 ? 1 : 0);
