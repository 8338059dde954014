import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests and samples import the package by name; point it at the sources, not dist/.
    // Anchored: a plain 'dtde' alias would also rewrite the start of 'dtde/provider'.
    alias: [
      { find: /^dtde\/provider$/, replacement: fileURLToPath(new URL('./src/provider.ts', import.meta.url)) },
      { find: /^dtde$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['tests/**/*.test.ts'],
    reporters: ['default', './tests/support/plain-summary-reporter.ts'],
    globalSetup: ['./tests/support/postgres-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
