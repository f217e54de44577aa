// The typed client as another project gets it: client/ is packed (`npm pack`, whose prepack builds
// dist/), the tarball is installed offline into a scratch project, and client/example/example.ts is
// type-checked there against the built declarations, then imported at run time. Also checks the
// manifest: openapi-fetch (the root's version) as the only dependency and no install scripts. The
// package is staged under test-results/ so that client/dist is left alone (the root resolves
// `../client` to dist/ when it exists) and the root's node_modules serves the build's tsc.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const STAGE = join(ROOT, 'test-results/client-package');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const NPM_QUIET = ['--offline', '--no-audit', '--no-fund', '--loglevel=error'];

const run = (command, args, cwd) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const problems = [];

const manifest = JSON.parse(readFileSync(join(ROOT, 'client/package.json'), 'utf8'));
const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const dependencies = Object.keys(manifest.dependencies ?? {});
if (dependencies.join() !== 'openapi-fetch') problems.push(`dependencies are [${dependencies}], not [openapi-fetch]`);
if (manifest.dependencies?.['openapi-fetch'] !== rootManifest.dependencies['openapi-fetch']) {
  problems.push(`openapi-fetch ${manifest.dependencies?.['openapi-fetch']} differs from the root's`);
}
for (const hook of ['preinstall', 'install', 'postinstall']) {
  if (manifest.scripts?.[hook]) problems.push(`has a ${hook} script`);
}

rmSync(STAGE, { recursive: true, force: true });
mkdirSync(STAGE, { recursive: true });
for (const file of ['package.json', 'README.md', 'tsconfig.json', 'index.ts', 'schema.d.ts']) {
  cpSync(join(ROOT, 'client', file), join(STAGE, file));
}
// A consumer depending on the tarball, with a lockfile: npm's cache holds the tarballs the root's
// `npm ci` fetched (found by their integrity), not the registry metadata an `npm install` would ask for.
function writeConsumer(dir, packed) {
  const spec = `file:${packed.filename}`;
  const rootLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')).packages;
  const packages = {
    '': { name: 'consumer', dependencies: { [manifest.name]: spec } },
    [`node_modules/${manifest.name}`]: {
      version: manifest.version,
      resolved: spec,
      integrity: packed.integrity,
      dependencies: manifest.dependencies,
    },
  };
  const pending = Object.keys(manifest.dependencies);
  while (pending.length > 0) {
    const key = `node_modules/${pending.pop()}`;
    if (packages[key]) continue;
    packages[key] = rootLock[key];
    pending.push(...Object.keys(rootLock[key].dependencies ?? {}));
  }
  const consumer = { name: 'consumer', private: true, type: 'module', dependencies: packages[''].dependencies };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(consumer, null, 2));
  writeFileSync(
    join(dir, 'package-lock.json'),
    JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }, null, 2),
  );
}

const scratch = mkdtempSync(join(tmpdir(), 'client-consumer-'));
try {
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', scratch, ...NPM_QUIET], STAGE));
  const files = packed.files.map((f) => f.path).sort();
  const expected = ['README.md', 'dist/index.d.ts', 'dist/index.js', 'dist/schema.d.ts', 'package.json'];
  if (files.join() !== expected.join()) problems.push(`the tarball holds [${files}], expected [${expected}]`);

  writeConsumer(scratch, packed);
  cpSync(join(ROOT, 'client/example'), scratch, { recursive: true });
  run('npm', ['ci', ...NPM_QUIET], scratch);
  try {
    run('node', [TSC, '-p', 'tsconfig.json'], scratch);
  } catch (error) {
    problems.push(`client/example/example.ts does not type-check against the package:\n${error.stdout}`);
  }
  const loaded = run(
    'node',
    ['-e', "import('@edx-enrollment-edge/client').then((m) => console.log(typeof m.createEnrollmentClient))"],
    scratch,
  );
  if (loaded.trim() !== 'function')
    problems.push(`importing the package gave createEnrollmentClient: ${loaded.trim()}`);
  console.log(`client package: ${packed.filename}, ${(packed.size / 1024).toFixed(1)} kB, ${files.length} files`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`client package: ${problem}`);
  process.exit(1);
}
console.log('client package: installs offline, example.ts type-checks against dist/*.d.ts, imports at run time');
