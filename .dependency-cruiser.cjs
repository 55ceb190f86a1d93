/* global module */
/**
 * The codebase's own rules (src/modules/README.md), checked by `npm run check:deps`.
 * test/rules/dependency-rules.test.ts proves that each rule fails on a tree that breaks it.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'infrastructure-uses-no-module',
      comment:
        'src/db, src/http and src/media are the layer modules build on: they import nothing from ' +
        'src/modules (a module maps their errors and types into its own).',
      severity: 'error',
      from: { path: '^src/(db|http|media)/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'media-knows-no-http',
      comment:
        'The media pipeline raises MediaRejected (src/media/errors.ts); the media module turns it ' +
        'into the HTTP problem.',
      severity: 'error',
      from: { path: '^src/media/' },
      to: { path: '^src/http/' },
    },
    {
      name: 'no-other-modules-repository',
      comment:
        "A module talks to another through that module's services, never its repository: " +
        'each table has one owner, whose repository holds all its SQL.',
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/[^/]+[.]repository[.]ts$', pathNot: '^src/modules/$1/' },
    },
    {
      name: 'no-app-import',
      comment:
        'src/app.ts assembles everything; nothing it registers imports it (AppDeps is in src/deps.ts). ' +
        'Only the process entry point (src/server.ts) uses it.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/server[.]ts$', '[.]test[.]ts$'] },
      to: { path: '^src/app[.]ts$' },
    },
    {
      name: 'no-run-time-cycle',
      comment:
        'Files must not import each other in a cycle at run time (which module finishes loading ' +
        'first would decide what the other sees). Cycles through `import type` only are erased by ' +
        'the compiler and allowed.',
      severity: 'error',
      from: { path: '^src/' },
      to: {
        circular: true,
        dependencyTypesNot: ['type-only'],
        viaOnly: { dependencyTypesNot: ['type-only'] },
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    // Type-only imports are kept (and marked type-only), so the layer and repository rules see
    // them too, while the cycle rule can leave them out.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js'],
    },
  },
};
