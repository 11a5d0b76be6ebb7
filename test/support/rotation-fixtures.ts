import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../services/vault/src/config/load-config.ts';
import { sealAddress } from '../../services/vault/src/billing-profiles/billing-profile-secret.ts';
import { sealPan } from '../../services/vault/src/cards/card-secret.ts';
import { buildCrypto } from '../../services/vault/src/crypto/build-crypto.ts';
import type { Envelope } from '../../services/vault/src/crypto/envelope.ts';
import type { Fingerprinter } from '../../services/vault/src/crypto/fingerprint.ts';
import { newId } from '../../services/vault/src/crypto/secret-hash.ts';
import { Pan } from '../../services/vault/src/crypto/secret.ts';
import { openDatabase, type Database } from '../../services/vault/src/storage/database.ts';
import { distinctVisa } from './card-numbers.ts';
import { copyOfDatabase, scratchDatabase } from './test-database.ts';

/** The vault's crypto with the given current key versions (example keys). */
export function cryptoAt(key: 'v1' | 'v2', fingerprint: 'v1' | 'v2' = key) {
  return buildCrypto(loadConfig({ VAULT_KEY_CURRENT: key, VAULT_FINGERPRINT_KEY_CURRENT: fingerprint }).keys);
}

export interface SeededCard {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly pan: string;
}

/**
 * Writes `count` cards (and one billing profile per 50) under the v1 keys, straight into the database: the example
 * keys, or `crypto` whose current versions are v1 (KMS keys, test/integration/kms-rotation.test.ts).
 */
export async function seedUnderV1(pool: pg.Pool, count: number, crypto: { envelope: Envelope; fingerprinter: Fingerprinter } = cryptoAt('v1')): Promise<{ cards: SeededCard[]; profiles: number }> {
  const { envelope, fingerprinter } = crypto;
  const salt = randomBytes(3).readUIntBE(0, 3);
  const cards: SeededCard[] = [];
  let profiles = 0;
  for (let start = 0; start < count; start += 500) {
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (let i = start; i < Math.min(count, start + 500); i++) {
      const card = { id: newId('card_'), tenantId: `rot-t${i % 7}`, userId: `rot-u${i}`, pan: distinctVisa(i, salt) };
      const pan = new Pan(card.pan);
      const sealed = await sealPan(envelope, card, pan);
      const p = values.length;
      tuples.push(`($${p + 1}, $${p + 2}, $${p + 3}, 'visa', $${p + 4}, $${p + 5}, 12, 2040, 'Rotation Holder', $${p + 6}, 'v1', $${p + 7}, 'v1')`);
      values.push(card.id, card.tenantId, card.userId, card.pan.slice(0, 6), card.pan.slice(-4), fingerprinter.fingerprint(card.tenantId, pan), Buffer.from(sealed.ciphertext));
      cards.push(card);
    }
    await pool.query(
      `INSERT INTO cards (id, tenant_id, user_id, brand, bin, last4, exp_month, exp_year, cardholder_name, fingerprint, fingerprint_key_version, ciphertext, key_version) VALUES ${tuples.join(', ')}`,
      values,
    );
  }
  for (let i = 0; i < count; i += 50) {
    const place = { id: newId('bp_'), tenantId: 'rot-t0', userId: `rot-u${i}` };
    const sealed = await sealAddress(envelope, place, { name: 'R', line1: `${i} Rotation Road`, city: 'Keyport', postalCode: '1000', country: 'NL' });
    await pool.query(`INSERT INTO billing_profiles (id, tenant_id, user_id, ciphertext, key_version) VALUES ($1, $2, $3, $4, 'v1')`, [place.id, place.tenantId, place.userId, Buffer.from(sealed.ciphertext)]);
    profiles++;
  }
  return { cards, profiles };
}

/** Cards (and their profiles) sealed under v1 once, in a template database; each test works on its own copy. */
export interface SeededTemplate {
  readonly cards: SeededCard[];
  readonly profiles: number;
  /** A copy of the template, open with `poolMax` connections, dropped when `body` ends. */
  withCopy(poolMax: number, body: (db: Database, url: string) => Promise<void>): Promise<void>;
  drop(): Promise<void>;
}

export async function seededTemplate(count: number): Promise<SeededTemplate> {
  const template = await scratchDatabase();
  const db = openDatabase({ url: template.url, poolMax: 2 });
  let seeded: { cards: SeededCard[]; profiles: number };
  try {
    seeded = await seedUnderV1(db.pool, count);
  } finally {
    await db.close();
  }
  return {
    ...seeded,
    async withCopy(poolMax, body) {
      const copy = await copyOfDatabase(template.url);
      const copyDb = openDatabase({ url: copy.url, poolMax });
      try {
        await body(copyDb, copy.url);
      } finally {
        await copyDb.close();
        await copy.drop();
      }
    },
    drop: () => template.drop(),
  };
}

/**
 * The file's seeded template: made in `beforeAll`, dropped in `afterAll`; its cards, profile count and copies are
 * read inside tests (before the hook has run there is nothing to read, and saying so beats an undefined).
 */
export function useSeededTemplate(count: number): Omit<SeededTemplate, 'drop'> {
  let template: SeededTemplate | undefined;
  beforeAll(async () => {
    template = await seededTemplate(count);
  }, 120_000);
  afterAll(async () => {
    await template?.drop();
  });
  const made = (): SeededTemplate => {
    if (!template) throw new Error('the seeded template is made in beforeAll: read it inside a test');
    return template;
  };
  return {
    get cards() {
      return made().cards;
    },
    get profiles() {
      return made().profiles;
    },
    withCopy: (poolMax, body) => made().withCopy(poolMax, body),
  };
}
