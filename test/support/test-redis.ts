/**
 * This run's Redis: TEST_REDIS_URL, default the local one (the vault's own dev default). The global setup points
 * it at a throwaway redis-server when nothing answers there; every vault a test starts uses it.
 */
export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
