/**
 * `npm run cards:import-key -- [--from <private-key.asc>] [--out <public-key.asc>]`: makes a new OpenPGP import key
 * pair (import-keys.ts), or takes an existing private key (--from); the private key is stored sealed by the
 * vault's keyring; the public key is written to --out (or standard output) for whoever sends the vault a card
 * file. Files encrypted to any import key not retired can be imported.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { commandLine } from '../cli/command-line.ts';

const { values } = commandLine({
  usage:
    'usage: npm run cards:import-key -- [--from <private-key.asc>] [--out <public-key.asc>]   — makes a new import key pair (or takes an existing private key); the private key is stored sealed by the keyring, the public key written out. Exit 0 made, 2 failed, 78 invalid configuration.',
  options: { out: { type: 'string' }, from: { type: 'string' } },
});
const { loadConfigOrExit } = await import('../config/load-config.ts');
const { buildCrypto } = await import('../crypto/build-crypto.ts');
const { openConfiguredDatabase } = await import('../storage/open-configured-database.ts');
const { createImportKey, storeImportKey } = await import('./import-keys.ts');
const { portabilityUnitOfWork } = await import('./portability-unit-of-work.ts');
const { isInKeysExample } = await import('../config/repo-paths.ts');
const config = loadConfigOrExit(78);
if (values.from && config.mode === 'production' && isInKeysExample(values.from)) {
  console.error('cards:import-key: refused — keys-example/ is published and protects nothing; not in production mode');
  process.exit(78);
}
try {
  const { database, close } = await openConfiguredDatabase(config);
  try {
    const envelope = buildCrypto(config.keys).envelope;
    const { repos } = portabilityUnitOfWork(database.pool, config.audit.chains);
    const key = values.from ? await storeImportKey(repos.importKeys, envelope, readFileSync(values.from, 'utf8')) : await createImportKey(repos.importKeys, envelope);
    await repos.audit.append({ action: 'import_key.create', outcome: 'success', actorService: 'card-import', requestId: key.id, target: key.fingerprint });
    if (values.out) writeFileSync(values.out, key.publicKey);
    else process.stdout.write(key.publicKey);
    console.error(`cards:import-key: made ${key.id}, fingerprint ${key.fingerprint}${values.out ? `, public key in ${values.out}` : ''}`);
  } finally {
    await close();
  }
} catch (err) {
  const known = /^(not an armored|the private key is passphrase)/.test((err as Error).message) ? (err as Error).message : ((err as NodeJS.ErrnoException).code ?? (err as Error).name);
  console.error(`cards:import-key: failed (${known})`);
  process.exitCode = 2;
}
