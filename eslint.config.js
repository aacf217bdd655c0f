import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/artifacts/**', 'src/web/assets.generated.ts', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // Runtime-specific modules live only in src/runtime/<runtime>/ (see STYLE.md).
    files: ['src/**/*.ts'],
    ignores: ['src/runtime/**', 'src/main.bun.ts', 'src/main.node.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'bun:sqlite', message: 'runtime-specific: use src/runtime/' },
          { name: 'better-sqlite3', message: 'runtime-specific: use src/runtime/' },
          { name: 'hono/bun', message: 'runtime-specific: use src/runtime/' },
          { name: '@hono/node-ws', message: 'runtime-specific: use src/runtime/' },
          { name: '@hono/node-server', message: 'runtime-specific: use src/runtime/' },
          { name: 'bun', message: 'runtime-specific: use src/runtime/' },
        ],
        patterns: [{ group: ['**/runtime/bun/**', '**/runtime/node/**'], message: 'runtime-specific: take the Runtime as a dependency' }],
      }],
      'no-restricted-globals': ['error', { name: 'Bun', message: 'runtime-specific: use src/runtime/' }],
    },
  },
);
