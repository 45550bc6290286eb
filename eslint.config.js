// Lint rules that types make possible: a promise nobody awaits or handles is a lost error (or,
// for a stream write, unbounded memory), so those fail the build. Plus the conventions of
// STYLE.md that a rule can check.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'build/**'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      // node:test's describe/it return promises the runner itself tracks.
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }],
      }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // STYLE.md: interfaces are role nouns without an I prefix.
      '@typescript-eslint/naming-convention': ['error', { selector: 'interface', format: ['PascalCase'], custom: { regex: '^I[A-Z]', match: false } }],
      // STYLE.md: no default exports; one primary named export per file.
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'use a named export (STYLE.md)' }],
    },
  },
);
