/**
 * Writes the example card-import files (dev and test material; the cards are test numbers):
 *   keys-example/import/import-{private,public}.asc   an example import key pair (published: protects nothing)
 *   test/fixtures/import/portable-example.csv.pgp       the portable format, 40 rows (1 bad of each kind, 1 duplicate)
 *   test/fixtures/import/other-vault-example.csv.pgp    another vault's export layout, 40 rows
 *   test/fixtures/import/other-vault.map.json           the column mapping that reads it
 * In dev: `npm run cards:import-key -- --from keys-example/import/import-private.asc`, then
 * `npm run cards:import -- --tenant demo test/fixtures/import/portable-example.csv.pgp`.
 *
 *   npx tsx scripts/make-import-fixtures.ts [--force]   (--force: a new key pair too; the files are re-encrypted)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { commandLine, keysExample, REPO_ROOT } from '../services/vault/src/tooling.ts';
import { cardCsv, encryptToFile, OTHER_VAULT_MAPPING, type CardFileSpec } from '../test/support/import-files.ts';

const { values } = commandLine({
  usage: 'usage: npx tsx scripts/make-import-fixtures.ts [--force]   — writes the example import key pair and card import files',
  options: { force: { type: 'boolean', default: false } },
});
const keyDir = keysExample('import');
const fixtures = path.join(REPO_ROOT, 'test', 'fixtures', 'import');
mkdirSync(keyDir, { recursive: true });
mkdirSync(fixtures, { recursive: true });
if (values.force || !existsSync(path.join(keyDir, 'import-private.asc'))) {
  const { privateKey, publicKey } = await openpgp.generateKey({ type: 'curve25519', userIDs: [{ name: 'Example vault import (keys-example: protects nothing)' }], format: 'armored', config: { aeadProtect: true } });
  writeFileSync(path.join(keyDir, 'import-private.asc'), privateKey);
  writeFileSync(path.join(keyDir, 'import-public.asc'), publicKey);
}
const publicKey = readFileSync(path.join(keyDir, 'import-public.asc'), 'utf8');
const spec = (format: CardFileSpec['format']): CardFileSpec => ({ rows: 40, badEvery: 8, duplicateEvery: 20, users: 5, salt: 4242, format });
await encryptToFile(cardCsv(spec('portable')), publicKey, path.join(fixtures, 'portable-example.csv.pgp'));
await encryptToFile(cardCsv(spec('other')), publicKey, path.join(fixtures, 'other-vault-example.csv.pgp'));
writeFileSync(path.join(fixtures, 'other-vault.map.json'), `${JSON.stringify(OTHER_VAULT_MAPPING, null, 2)}\n`);
console.log(`written: ${path.relative(REPO_ROOT, keyDir)}/import-{private,public}.asc, ${path.relative(REPO_ROOT, fixtures)}/{portable-example,other-vault-example}.csv.pgp, other-vault.map.json`);
