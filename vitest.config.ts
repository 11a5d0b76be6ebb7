import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Three files at a time on this two-core machine kind: most files wait on PostgreSQL, Redis or a child
    // process, so a third worker fills the cores (vitest's default here is one). Files never share rows (each
    // user is in a tenant of its own; files that break things use their own database, Redis or data folder).
    maxWorkers: Number(process.env['VAULT_TEST_WORKERS'] ?? 3),
    // A worker keeps its loaded modules from one file to the next: each file re-importing the vault (ESDK, Prisma,
    // express) cost about a second of CPU, a third of the suite's. Files share no module state that matters: every
    // vault, client and cache is made per test file, and the only module-level caches hold immutable things
    // (example certificates, imported public keys).
    isolate: false,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
