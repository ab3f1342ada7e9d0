// Lint configuration. Besides style, it enforces the architecture: packages/core is the pure domain core and
// imports no adapter package and no I/O module; adapters depend on the core, never the other way round.
import tseslint from 'typescript-eslint';
import importPlugin from 'eslint-plugin-import';

const ioModules = ['fs', 'fs/promises', 'child_process', 'net', 'http', 'https', 'worker_threads', 'os', 'process', 'readline', 'stream', 'zlib', 'dgram', 'cluster', 'tls'];

// The no-unsafe-* rules, off where values are untyped by nature (plain JavaScript; JSON read back in tests).
const unsafeOff = {
  '@typescript-eslint/no-unsafe-argument': 'off',
  '@typescript-eslint/no-unsafe-assignment': 'off',
  '@typescript-eslint/no-unsafe-call': 'off',
  '@typescript-eslint/no-unsafe-member-access': 'off',
  '@typescript-eslint/no-unsafe-return': 'off',
};

export default tseslint.config(
  { ignores: ['.scratch-*/**', '**/node_modules/**', '**/dist/**', 'packages/web/dist/**', 'bench-data/**', '**/*.d.ts'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    // Type information for every linted file: the project service finds each file's nearest tsconfig.json (the root one
    // covers sources, tests, benches and the .mjs scripts through allowJs; packages/web has its own).
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    plugins: { import: importPlugin },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      // node:test's test()/describe() return promises that the runner itself awaits and reports.
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] }],
      'import/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: './packages/core', from: './packages', except: ['./core'], message: 'packages/core is the pure domain core: it must not import adapter packages.' },
          ],
        },
      ],
    },
  },
  {
    // Plain JavaScript (scripts, the bin and worker entries) has no type annotations, so its parameters are `any`.
    files: ['**/*.{js,mjs,cjs}'],
    rules: unsafeOff,
  },
  {
    // Tests read untyped output (JSON.parse of CLI output, inject().json(), linkedom's DOM) and check its shape with assert.
    files: ['packages/*/test/**/*.{ts,tsx}'],
    rules: unsafeOff,
  },
  {
    // Fastify plugins, hooks and route handlers are async functions (or take a done callback) whatever their body.
    files: ['packages/server/src/**/*.ts', 'packages/server/test/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    // React ignores what an event handler returns; the async handlers catch and show their own errors.
    files: ['packages/web/src/**/*.tsx'],
    rules: { '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }] },
  },
  {
    // The core and the readers check what can be absent instead of asserting it away (`x ?? missingValue('x')` or an
    // InputError). Their tests and benches may keep `x!`: an absent value there throws and fails the test, as it should.
    files: ['packages/core/src/**/*.ts', 'packages/formats/src/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'error' },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@her2scope/*', '!@her2scope/core'], message: 'packages/core must not depend on adapter packages.' },
          ],
          paths: ioModules.flatMap((m) => [m, `node:${m}`]).map((name) => ({ name, message: 'packages/core does no I/O.' })),
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'packages/core reads no globals.' }, { name: 'fetch', message: 'packages/core does no I/O.' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'packages/core is deterministic.' }, { object: 'Date', property: 'now', message: 'packages/core is deterministic: take the time as an argument.' }],
    },
  },
);
