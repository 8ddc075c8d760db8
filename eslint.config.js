// `npm run lint`: typescript-eslint's recommended rules (not the type-checked set: that one needs a
// full type program per file and costs minutes here) plus the architecture (README "Code map").
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/**
 * The layers, bottom first: leaves, then features, then the event table, then transports, then the root files
 * (main.ts, server.ts, app.module.ts). A folder may import only from the folders before it
 * (and itself). Because every allowed edge points to an earlier entry of one list, no chain of
 * imports can come back to where it started: this allow-list makes a cycle between folders
 * impossible, and an upward import fails lint.
 */
const LAYERS = [
  // leaves
  'config', 'common', 'metrics', 'database', 'principal', 'realtime', 'mail',
  // features
  'users', 'rooms', 'apps', 'auth', 'media', 'messages', 'moderation', 'accounts',
  // the event table: every domain event's codec (over the features' views) and what it feeds; the transports' bridges read it
  'events',
  // webhooks: the app backends' endpoints and deliveries, fed by the event table
  'webhooks',
  // the whole schema: every feature's entities, listed once
  'schema',
  // transports
  'graphql', 'legacy', 'talker', 'health', 'console', 'cli',
  'root', // src/*.ts; a new folder under src/ must be given its place above, or it counts as root
];
const FEATURE_MODELS = ['users', 'rooms', 'media', 'messages', 'moderation'];
const TRANSPORTS = ['src/graphql/**', 'src/legacy/**', 'src/talker/**', 'src/console/**', 'src/cli/**'];

const TYPEORM_ONLY = {
  paths: [{ name: 'typeorm', message: 'typeorm belongs in *.repository.ts, *.entity.ts and src/database/ (STYLE §4).' }],
  patterns: [{ group: ['typeorm/*'], message: 'typeorm belongs in *.repository.ts, *.entity.ts and src/database/ (STYLE §4).' }],
};

export default tseslint.config(
  // bench/ is hand-run load scripts (.mjs, not shipped, not imported by src/); console/public/ is browser JS served as is.
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-output/**', 'src/console/public/**', 'bench/**', 'packages/*/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      // Nest's injection needs classes with constructor-only bodies, and empty classes for modules.
      '@typescript-eslint/no-extraneous-class': 'off',
      // `_name` marks a parameter a callback must accept but does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Tests read untyped wire data (GraphQL JSON, socket payloads) and reach into internals on
    // purpose; `any` there is the honest type. Production code (src/) keeps the rule.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['*.js', '*.cjs'],
    languageOptions: { globals: { URL: 'readonly', require: 'readonly', exports: 'writable', module: 'writable', process: 'readonly' } },
  },
  {
    // The SDK's build scripts (codegen, the CJS marker) run under Node.
    files: ['packages/*/scripts/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { [new URL('./eslint.resolver.cjs', import.meta.url).pathname]: {} },
      'boundaries/elements': [
        ...LAYERS.filter((t) => t !== 'root').map((type) => ({ type, pattern: `src/${type}` })),
        // Listed last, so it classifies only what no folder above claims: main.ts, server.ts, app.module.ts.
        { type: 'root', pattern: 'src' },
      ],
    },
    rules: {
      'boundaries/dependencies': ['error', {
        default: 'disallow',
        policies: [
          ...LAYERS.map((type, i) => ({ from: { element: { type } }, allow: { to: { element: { types: LAYERS.slice(0, i + 1) } } } })),
          // The one exception: the closed list of domain events names the feature views events carry
          // (Message, Room, User…). Type-only, erased when compiled: no module of the bus loads a feature.
          {
            from: { element: { type: 'realtime', fileInternalPath: 'domain-events.ts' } },
            allow: { to: { element: { types: FEATURE_MODELS, fileInternalPath: '*.model.ts' } }, dependency: { kind: 'type' } },
          },
        ],
      }],
      'no-restricted-imports': ['error', TYPEORM_ONLY],
    },
  },
  {
    // Where typeorm belongs: repositories, entities, the database folder (migrations included);
    // unit specs may build TypeORM's own errors to check how they are told apart.
    files: ['src/**/*.repository.ts', 'src/**/*.entity.ts', 'src/database/**/*.ts', 'src/**/*.spec.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Transports call services; only features touch their repositories.
    files: TRANSPORTS,
    rules: {
      'no-restricted-imports': ['error', {
        ...TYPEORM_ONLY,
        patterns: [...TYPEORM_ONLY.patterns, { group: ['**/*.repository.js', '**/*.repository.ts'], message: 'A transport calls services, never a repository.' }],
      }],
    },
  },
);
