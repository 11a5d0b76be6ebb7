/**
 * Writes test/vectors/v1-example-keys.json: ciphertexts made by this version of the vault with the
 * keys-example keys, for every purpose the vault encrypts. They are committed once and must keep decrypting
 * forever (test/vectors/known-answer.test.ts). Never regenerate an existing file: add a new one.
 *   npx tsx scripts/make-vectors.ts test/vectors/<name>.json
 */
import { existsSync, writeFileSync } from 'node:fs';
import { sealAddress, sealPan, loadConfig, buildCrypto, Pan } from '../services/vault/src/index.ts';

const out = process.argv[2];
if (!out) throw new Error('usage: make-vectors <file>');
if (existsSync(out)) throw new Error(`${out} exists: known-answer vectors are never rewritten`);
const vectors = [];
for (const key of ['v1', 'v2'] as const) {
  const { envelope, fingerprinter } = buildCrypto(loadConfig({ VAULT_KEY_CURRENT: key, VAULT_FINGERPRINT_KEY_CURRENT: key }).keys);
  const card = { id: `card_vector${key}AAAAAAAAAAAAAA`, tenantId: 'vector-tenant', userId: 'vector-user' };
  const pan = new Pan('4242424242424242');
  const sealedCard = await sealPan(envelope, card, pan);
  vectors.push({ kind: 'card', keyVersion: key, place: card, ciphertext: Buffer.from(sealedCard.ciphertext).toString('base64'), plaintext: { number: pan.reveal() }, fingerprint: fingerprinter.fingerprint(card.tenantId, pan) });
  const profile = { id: `bp_vector${key}AAAAAAAAAAAAAAAA`, tenantId: 'vector-tenant', userId: 'vector-user' };
  const address = { name: 'Vector Person', line1: '1 Known Answer Way', city: 'Testville', postalCode: '00000', country: 'SE' };
  const sealedProfile = await sealAddress(envelope, profile, address);
  vectors.push({ kind: 'billing-profile', keyVersion: key, place: profile, ciphertext: Buffer.from(sealedProfile.ciphertext).toString('base64'), plaintext: address });
}
writeFileSync(out, `${JSON.stringify({ writtenBy: 'payment-method-vault 0.1.0', suite: '0x0478', vectors }, null, 2)}\n`);
console.log(`wrote ${vectors.length} vectors to ${out}`);
