import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';

/**
 * The layer rules of .dependency-cruiser.cjs (run over the real tree by `npm run lint:deps`, part of `npm test`)
 * must catch what they are for: each rule is shown to fire on a small tree with one planted violation of it, and
 * to stay quiet on the same tree without it — so a rule that stopped matching (a renamed folder, a broken
 * pattern) fails here instead of passing everything.
 */
const CRUISE = path.join(REPO_ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  readonly rule: { readonly name: string };
  readonly from: string;
  readonly to: string;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vault-layers-'));
  copyFileSync(path.join(REPO_ROOT, '.dependency-cruiser.cjs'), path.join(dir, '.dependency-cruiser.cjs'));
  copyFileSync(path.join(REPO_ROOT, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a tree of modules (path → the relative paths it imports) into a fresh folder and cruises it. */
async function cruise(tree: Record<string, readonly string[]>): Promise<Violation[]> {
  const root = mkdtempSync(path.join(dir, 'tree-'));
  for (const name of ['.dependency-cruiser.cjs', 'tsconfig.json']) copyFileSync(path.join(dir, name), path.join(root, name));
  for (const [file, imports] of Object.entries(tree)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), `${imports.map((to, i) => `import * as m${i} from '${to}';\nvoid m${i};\n`).join('')}export const here = ${JSON.stringify(file)};\n`);
  }
  const output = await new Promise<string>((resolve, reject) =>
    // Exit status 1 means "violations found": the JSON on stdout says which.
    execFile(process.execPath, [CRUISE, 'services', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], { cwd: root, maxBuffer: 8 << 20 }, (err, stdout, stderr) =>
      stdout ? resolve(stdout) : reject(new Error(`${err?.message ?? ''} ${stderr}`)),
    ),
  );
  return (JSON.parse(output) as { summary: { violations: Violation[] } }).summary.violations;
}

/** A lawful miniature of the vault: each layer importing only downward, a neighbour through the surface. */
const LAWFUL: Record<string, readonly string[]> = {
  'services/vault/src/crypto/envelope.ts': [],
  'services/vault/src/storage/sql.ts': [],
  'services/vault/src/audit/audit-store.ts': ['../storage/sql.ts'],
  'services/vault/src/operations/operation.ts': ['../audit/audit-store.ts'],
  'services/vault/src/cards/card-service.ts': ['../operations/operation.ts', '../crypto/envelope.ts'],
  'services/vault/src/billing-profiles/billing-profile-service.ts': ['../cards/card-service.ts'],
  'services/vault/src/wiring/build-vault.ts': ['../cards/card-service.ts'],
  'services/vault/src/index.ts': ['./crypto/envelope.ts'],
  'services/key-rotation/src/rotate.ts': ['../../vault/src/index.ts'],
};

const rulesFired = (violations: readonly Violation[]) => [...new Set(violations.map((v) => v.rule.name))].sort();

describe('the layer rules (.dependency-cruiser.cjs)', () => {
  it('find nothing in a tree that keeps them', async () => {
    expect(await cruise(LAWFUL)).toEqual([]);
  });

  it('fire, each on its planted violation (and only there)', async () => {
    // One planted module per rule, beside the lawful tree (one cruise: each takes seconds).
    const planted: Record<string, { readonly imports: readonly string[]; readonly rule: string }> = {
      'services/vault/src/storage/planted.ts': { imports: ['../cards/card-service.ts'], rule: 'foundation-imports-upward' },
      'services/vault/src/audit/planted.ts': { imports: ['../operations/operation.ts'], rule: 'records-import-upward' },
      'services/vault/src/operations/planted.ts': { imports: ['../cards/card-service.ts'], rule: 'transport-imports-upward' },
      'services/vault/src/cards/planted.ts': { imports: ['../wiring/build-vault.ts'], rule: 'domain-imports-wiring' },
      'services/key-rotation/src/planted.ts': { imports: ['../../vault/src/crypto/envelope.ts'], rule: 'neighbour-bypasses-public-surface' },
    };
    // A cycle is reported once, from one of its modules.
    const cycle = { 'services/vault/src/crypto/planted-a.ts': ['./planted-b.ts'], 'services/vault/src/crypto/planted-b.ts': ['./planted-a.ts'] };
    const violations = await cruise({ ...LAWFUL, ...cycle, ...Object.fromEntries(Object.entries(planted).map(([file, p]) => [file, p.imports])) });
    const from = (files: readonly string[]) => rulesFired(violations.filter((v) => files.includes(v.from)));
    for (const [file, { rule }] of Object.entries(planted)) expect(from([file]), file).toEqual([rule]);
    expect(from(Object.keys(cycle))).toEqual(['no-circular']);
    expect(violations.every((v) => v.from in planted || v.from in cycle)).toBe(true);
  });
});
