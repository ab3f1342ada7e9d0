// Lint configuration. Besides style, it enforces the architecture: packages/core is the pure domain core and
// imports no adapter package and no I/O module; adapters depend on the core, never the other way round.
import tseslint from 'typescript-eslint';
import importPlugin from 'eslint-plugin-import';

const ioModules = ['fs', 'fs/promises', 'child_process', 'net', 'http', 'https', 'worker_threads', 'os', 'process', 'readline', 'stream', 'zlib', 'dgram', 'cluster', 'tls'];

export default tseslint.config(
  { ignores: ['.scratch-*/**', '**/node_modules/**', '**/dist/**', 'packages/web/dist/**', 'bench-data/**', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  {
    plugins: { import: importPlugin },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
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
