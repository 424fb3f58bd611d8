import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'sim/**/*.test.ts', 'analysis/**/*.test.ts'],
    testTimeout: 120_000,
    setupFiles: ['test/support/fastCheckSeed.ts'],
  },
});
