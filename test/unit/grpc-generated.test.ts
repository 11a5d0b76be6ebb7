import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';

/** The committed gRPC types are what vault.proto generates today (CI runs this with the rest of `npm test`). */
describe('generated gRPC types', () => {
  it('match vault.proto (npm run grpc:generate -- --check)', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/grpc-generate.ts', '--check'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
  }, 60_000);
});
