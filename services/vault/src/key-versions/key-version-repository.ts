import type { RetiredKeys } from '../crypto/build-crypto.ts';
import type { PrismaExecutor } from '../storage/unit-of-work.ts';

export type KeyPurpose = 'wrapping' | 'fingerprint';

/** The only code that touches `key_versions`: which key versions are retired for good. */
export class KeyVersionRepository {
  constructor(private readonly db: PrismaExecutor) {}

  async retired(): Promise<RetiredKeys> {
    const rows = await this.db.keyVersion.findMany({ where: { state: 'retired' } });
    return {
      wrapping: rows.filter((r) => r.purpose === 'wrapping').map((r) => r.version),
      fingerprint: rows.filter((r) => r.purpose === 'fingerprint').map((r) => r.version),
    };
  }

  async retire(purpose: KeyPurpose, version: string): Promise<void> {
    await this.db.keyVersion.upsert({
      where: { purpose_version: { purpose, version } },
      create: { purpose, version, state: 'retired', retiredAt: new Date() },
      update: { state: 'retired', retiredAt: new Date() },
    });
  }

  /**
   * Rows still written under `version`: a key with any cannot be retired. Idempotency records are not
   * re-encrypted by the rotation job (they live at most 24 h): a key is retirable once the live ones expire.
   */
  async rowsUsing(purpose: KeyPurpose, version: string): Promise<number> {
    if (purpose === 'fingerprint') return this.db.card.count({ where: { fingerprintKeyVersion: version } });
    const [cards, profiles, outcomes] = await Promise.all([
      this.db.card.count({ where: { keyVersion: version } }),
      this.db.billingProfile.count({ where: { keyVersion: version } }),
      this.db.idempotencyRecord.count({ where: { keyVersion: version, expiresAt: { gt: new Date() } } }),
    ]);
    return cards + profiles + outcomes;
  }
}
