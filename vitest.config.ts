import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'sim/**/*.test.ts', 'analysis/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
