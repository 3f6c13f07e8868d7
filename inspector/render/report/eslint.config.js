// eslint.config.js — the linter's rules for the report's own script and its
// test (tests/cli/test_report_js.sh runs it from the build's npm install).
'use strict';
const js = require('@eslint/js');

const browser = { document: 'readonly', window: 'readonly', uPlot: 'readonly', module: 'writable',
  require: 'readonly', console: 'readonly', performance: 'readonly', requestAnimationFrame: 'readonly' };

module.exports = [
  js.configs.recommended,
  {
    files: ['report.js', 'report.test.js', 'eslint.config.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'commonjs', globals: browser },
    rules: {
      'no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_' }],
      'prefer-const': 'error',
      'no-var': 'error',
      eqeqeq: 'error',
    },
  },
];
