// Lint rules: typescript-eslint's type-aware recommended set, plus neverthrow's
// must-use-result rule so a Result that is neither returned nor consumed is flagged.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import neverthrowPlugin from 'eslint-plugin-neverthrow';

// eslint-plugin-neverthrow was written for ESLint 8: it reads `context.parserServices`
// and calls `context.getScope()`, both moved to `context.sourceCode` in ESLint 9.
// This adapter hands the rule the new locations, tracking the node being visited.
const mustUseResult = neverthrowPlugin.rules['must-use-result'];
const neverthrow = {
  rules: {
    'must-use-result': {
      ...mustUseResult,
      create(context) {
        let visiting = null;
        const legacyContext = Object.create(context, {
          parserServices: { value: context.sourceCode.parserServices },
          getScope: { value: () => context.sourceCode.getScope(visiting) },
        });
        const listeners = mustUseResult.create(legacyContext);
        return Object.fromEntries(
          Object.entries(listeners).map(([selector, listener]) => [
            selector,
            (node) => {
              visiting = node;
              return listener(node);
            },
          ]),
        );
      },
    },
  },
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test/output/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { neverthrow },
    rules: {
      'neverthrow/must-use-result': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
