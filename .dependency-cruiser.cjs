// Dependency rules of src/ (`npm run lint:deps`, part of `npm run lint`). The main one: no cycle
// between the folders of src/ — folder-level, so `auth/a.ts → users/b.ts` plus `users/c.ts →
// auth/d.ts` is a cycle even though no single file reaches itself. Type-only imports count.
//
// dependency-cruiser's folder rules see each folder as a node, but files directly in src/ all
// collapse into the folder `src`, whose outgoing edges it does not track. The rules after the two
// cycle rules keep those root files out of any cycle: index.ts and app.ts (the composition root)
// are imported by nobody, config.ts imports only lib/, openapi.ts only lib/ and context/, and the
// layers under them (context/ → db/ → lib/) never import upwards. Nested folders (db/schema/) are
// nodes of their own; db/ importing only lib/ keeps them out of cycles too. The last rules are the
// layer rule's: routes never reach the database, only repos (and db/) import drizzle-orm.

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment:
        'Folders of src/ must not depend on each other in a cycle. Inject the dependency (see Deps.syncUser), ' +
        'or move the shared piece down (lib/, context/).',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A file must not reach itself through its imports.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'nothing-imports-the-app',
      severity: 'error',
      comment: 'index.ts and app.ts compose the Worker: only index.ts imports app.ts, nothing imports index.ts.',
      from: { path: '^src/', pathNot: '^src/index\\.ts$' },
      to: { path: '^src/(app|index)\\.ts$' },
    },
    {
      name: 'config-imports-only-lib',
      severity: 'error',
      from: { path: '^src/config\\.ts$' },
      to: { path: '^src/', pathNot: '^src/lib/' },
    },
    {
      name: 'openapi-imports-only-lib-and-context',
      severity: 'error',
      from: { path: '^src/openapi\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(lib|context)/' },
    },
    {
      name: 'context-imports-only-config-db-lib',
      severity: 'error',
      comment: 'The request context (Deps, AppEnv, Principal) sits under every domain.',
      from: { path: '^src/context/' },
      to: { path: '^src/', pathNot: '^src/(context/|db/|lib/|config\\.ts$)' },
    },
    {
      name: 'db-imports-only-lib',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: '^src/', pathNot: '^src/(db|lib)/' },
    },
    {
      name: 'routes-do-not-touch-the-database',
      severity: 'error',
      comment: 'Routes do HTTP work only; data goes through a service.',
      from: { path: '\\.routes\\.ts$' },
      to: { path: ['^src/db/', '(^|/)node_modules/drizzle-orm/'] },
    },
    {
      name: 'only-repos-import-drizzle',
      severity: 'error',
      comment: 'Repos (and db/ itself) are the only files that import drizzle-orm.',
      from: { path: '^src/', pathNot: ['\\.repo\\.ts$', '^src/db/'] },
      to: { path: '(^|/)node_modules/drizzle-orm/' },
    },
    {
      name: 'lib-imports-nothing-from-src',
      severity: 'error',
      comment: 'lib/ is pure helpers: it imports packages and other lib/ files only.',
      from: { path: '^src/lib/' },
      to: { path: '^src/', pathNot: '^src/lib/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
