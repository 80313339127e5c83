import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// Vite would pick graphql's ESM build while type-graphql loads the CommonJS one: two realms.
const graphqlCjs = createRequire(new URL('./server/package.json', import.meta.url)).resolve('graphql');

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlCjs }] },
  test: {
    include: ['packages/shared/src/**/*.spec.ts', 'server/src/**/*.spec.ts', 'test/**/*.spec.ts'],
    exclude: ['**/node_modules/**', 'test/bench/**'],
    globalSetup: ['test/harness/global-setup.ts'],
    setupFiles: ['test/harness/setup-file.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/harness/summary-reporter.ts'],
  },
});
