import { buildClient, CommitmentPolicy } from '@aws-crypto/client-node';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../services/vault/src/config/load-config.ts';
import { buildCrypto } from '../../services/vault/src/crypto/build-crypto.ts';
import { DecryptionFailed } from '../../services/vault/src/crypto/envelope.ts';
import { EsdkEnvelope, MAX_ENCRYPTED_DATA_KEYS, SUITE } from '../../services/vault/src/crypto/esdk-envelope.ts';
import { HmacFingerprinter } from '../../services/vault/src/crypto/fingerprint.ts';
import { buildKeyrings } from '../../services/vault/src/crypto/keyring-factory.ts';
import { Pan, Secret } from '../../services/vault/src/crypto/secret.ts';
import { readWrappingKeys } from '../../services/vault/src/crypto/key-files.ts';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';

const keys = readWrappingKeys(keysExample('kek'));
const context = { purpose: 'card', tenant: 't1', owner: 'u1', record: 'card_1' };

describe('envelope encryption (AWS Encryption SDK)', () => {
  const envelope = new EsdkEnvelope(buildKeyrings({ kind: 'raw', current: 'v1', keys }));

  it('round-trips, with suite 0x0478, one encrypted data key and the context in the header', async () => {
    const sealed = await envelope.encrypt(Buffer.from('secret'), context);
    expect(sealed.keyVersion).toBe('v1');
    const inspector = buildClient({ commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT, maxEncryptedDataKeys: 10 });
    const { messageHeader: header } = await inspector.decrypt(buildKeyrings({ kind: 'raw', current: 'v1', keys }).decrypt, sealed.ciphertext);
    expect(header.suiteId).toBe(SUITE);
    expect(SUITE).toBe(0x0478);
    expect(header.encryptedDataKeys.length).toBe(MAX_ENCRYPTED_DATA_KEYS);
    expect(header.encryptedDataKeys[0]!.providerId).toBe('payment-vault');
    expect(header.encryptionContext).toEqual(context);
    expect(Buffer.from(await envelope.decrypt(sealed.ciphertext, context)).toString()).toBe('secret');
  });

  it('refuses a ciphertext whose context differs in any pair, or has an extra pair', async () => {
    const sealed = await envelope.encrypt(Buffer.from('secret'), context);
    for (const expected of [
      { ...context, record: 'card_2' },
      { ...context, tenant: 't2' },
      { ...context, owner: 'u2' },
      { ...context, purpose: 'billing-profile' },
      { purpose: 'card', tenant: 't1', owner: 'u1' },
      { ...context, extra: 'x' },
    ]) {
      await expect(envelope.decrypt(sealed.ciphertext, expected)).rejects.toBeInstanceOf(DecryptionFailed);
    }
  });

  it('refuses tampered bytes and garbage with the same error', async () => {
    const sealed = Buffer.from((await envelope.encrypt(Buffer.from('secret'), context)).ciphertext);
    sealed.writeUInt8(sealed.readUInt8(sealed.length - 40) ^ 1, sealed.length - 40);
    await expect(envelope.decrypt(sealed, context)).rejects.toBeInstanceOf(DecryptionFailed);
    await expect(envelope.decrypt(randomBytes(200), context)).rejects.toBeInstanceOf(DecryptionFailed);
  });

  it('writes with the current key only and reads older versions', async () => {
    const old = await envelope.encrypt(Buffer.from('old'), context);
    const rotated = new EsdkEnvelope(buildKeyrings({ kind: 'raw', current: 'v2', keys }));
    const fresh = await rotated.encrypt(Buffer.from('new'), context);
    expect(fresh.keyVersion).toBe('v2');
    expect(Buffer.from(await rotated.decrypt(old.ciphertext, context)).toString()).toBe('old');
    // A vault that only has v1 cannot read v2 messages.
    const v1Only = new EsdkEnvelope(buildKeyrings({ kind: 'raw', current: 'v1', keys: keys.filter((k) => k.version === 'v1') }));
    await expect(v1Only.decrypt(fresh.ciphertext, context)).rejects.toBeInstanceOf(DecryptionFailed);
  });

  it('keeps working when keyrings are built twice from the same key material (the SDK zeroes what it is given)', async () => {
    const a = new EsdkEnvelope(buildKeyrings({ kind: 'raw', current: 'v1', keys }));
    const b = new EsdkEnvelope(buildKeyrings({ kind: 'raw', current: 'v1', keys }));
    const sealed = await a.encrypt(Buffer.from('x'), context);
    expect(Buffer.from(await b.decrypt(sealed.ciphertext, context)).toString()).toBe('x');
  });

  it('never loads a retired key version, and refuses to run with a retired current key', async () => {
    const dev = (key: string) => loadConfig({ VAULT_KEY_CURRENT: key }).keys;
    const old = await buildCrypto(dev('v1')).envelope.encrypt(Buffer.from('old'), context);
    const afterRetire = buildCrypto(dev('v2'), { wrapping: ['v1'], fingerprint: [] });
    await expect(afterRetire.envelope.decrypt(old.ciphertext, context)).rejects.toBeInstanceOf(DecryptionFailed);
    expect(() => buildCrypto(dev('v1'), { wrapping: ['v1'], fingerprint: [] })).toThrow(/retired/);
    expect(() => buildCrypto(dev('v1'), { wrapping: [], fingerprint: ['v1'] })).toThrow(/retired/);
  });

  it('builds from the dev config', async () => {
    const { envelope: e, fingerprinter } = buildCrypto(loadConfig({}).keys);
    expect(e.currentKeyVersion).toBe('v1');
    expect(fingerprinter.keyVersion).toBe('v1');
  });
});

describe('keyring factory', () => {
  it('builds KMS keyrings from full key ARNs without calling KMS', () => {
    const keyrings = buildKeyrings({
      kind: 'kms',
      current: 'v2',
      keys: [
        { version: 'v1', arn: 'arn:aws:kms:eu-west-1:111122223333:key/11111111-1111-1111-1111-111111111111' },
        { version: 'v2', arn: 'arn:aws:kms:eu-west-1:111122223333:key/22222222-2222-2222-2222-222222222222' },
      ],
      calls: { attemptTimeoutMs: 400, callTimeoutMs: 900, maxAttempts: 3 },
    });
    expect(keyrings.current).toBe('v2');
    expect(keyrings.versions).toEqual(['v1', 'v2']);
    expect((keyrings.encrypt as unknown as { generatorKeyId: string }).generatorKeyId).toMatch(/22222222/);
  });

  it('refuses a current version that is not loaded, duplicates, and short keys', () => {
    expect(() => buildKeyrings({ kind: 'raw', current: 'v9', keys })).toThrow(/not among the loaded keys/);
    expect(() => buildKeyrings({ kind: 'raw', current: 'v1', keys: [keys[0]!, keys[0]!] })).toThrow(/duplicate/);
    expect(() => buildKeyrings({ kind: 'raw', current: 'v1', keys: [{ version: 'v1', material: new Secret(new Uint8Array(16)) }] })).toThrow(/32 bytes/);
  });

  it('production config with a KMS ARN list parses into the factory input', () => {
    const config = loadConfig({
      VAULT_KEYRING: 'kms',
      VAULT_KMS_KEY_ARNS: 'v1=arn:aws:kms:us-east-1:111122223333:key/aaaa,v2=arn:aws:kms:us-east-1:111122223333:key/bbbb',
      VAULT_KEY_CURRENT: 'v2',
    });
    expect(config.keys.wrapping).toMatchObject({ kind: 'kms', current: 'v2' });
    expect(() => loadConfig({ VAULT_KEYRING: 'kms', VAULT_KMS_KEY_ARNS: 'v1=arn:aws:kms:us-east-1:111122223333:alias/vault' })).toThrow(/VAULT_KMS_KEY_ARNS/);
  });
});

describe('PAN fingerprints', () => {
  const k1 = { version: 'v1', material: new Secret(new Uint8Array(32).fill(7)) };
  const k2 = { version: 'v2', material: new Secret(new Uint8Array(32).fill(8)) };
  const fp = new HmacFingerprinter([k1], 'v1');
  const pan = new Pan('4242424242424242');
  it('are stable within a tenant, different across tenants and keys, and keyed', () => {
    expect(fp.fingerprint('t1', pan)).toBe(fp.fingerprint('t1', new Pan('4242424242424242')));
    expect(fp.fingerprint('t1', pan)).not.toBe(fp.fingerprint('t2', pan));
    const other = new HmacFingerprinter([k2], 'v2');
    expect(other.fingerprint('t1', pan)).not.toBe(fp.fingerprint('t1', pan));
    expect(fp.fingerprint('t1', pan)).toMatch(/^fp_[A-Za-z0-9_-]{43}$/);
  });
  it('refuses a short key', () => {
    expect(() => new HmacFingerprinter([{ version: 'v1', material: new Secret(new Uint8Array(16)) }], 'v1')).toThrow();
    expect(() => new HmacFingerprinter([k1], 'v2')).toThrow(/not among the loaded keys/);
  });
  it('during a fingerprint-key rotation, match under every loaded version, current first', () => {
    const both = new HmacFingerprinter([k1, k2], 'v2');
    expect(both.keyVersion).toBe('v2');
    expect(both.allFingerprints('t1', pan)).toEqual([new HmacFingerprinter([k2], 'v2').fingerprint('t1', pan), fp.fingerprint('t1', pan)]);
  });
});
