#!/usr/bin/env node
// No source file of src/ over 300 lines (docs/architecture.md#size): past that a file holds more
// than one thing and is split by sub-feature. Function length is Biome's noExcessiveLinesPerFunction.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const MAX_LINES = 300;
const files = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
const tooLong = files('src')
  .map((file) => ({ file, lines: readFileSync(file, 'utf8').split('\n').length - 1 }))
  .filter(({ lines }) => lines > MAX_LINES);
if (tooLong.length > 0) {
  console.error(`file sizes: over ${MAX_LINES} lines:\n${tooLong.map((f) => `${f.file}: ${f.lines}`).join('\n')}`);
  process.exit(1);
}
console.log(`file sizes: every src file has at most ${MAX_LINES} lines`);
