import { defineConfig } from 'vitest/config';

// Tests wait on states and events; these deadlines are only safety nets against a hang, generous enough for a
// machine whose cores are all busy elsewhere (`npm run test:load`).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    expect: { poll: { timeout: 60_000 } },
    pool: 'forks',
  },
});
