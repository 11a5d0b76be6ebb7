import type { RetiredKeys } from '../crypto/build-crypto.ts';
import type { EncryptedRecordType } from '../encrypted-records/encrypted-record-type.ts';
import { countUsingSql, keyVersionColumns } from '../encrypted-records/record-sql.ts';
import type { PrismaExecutor } from '../storage/unit-of-work.ts';
import type { KeyPurpose } from '../encrypted-records/key-purpose.ts';

/** The only code that touches `key_versions`: which key versions are retired for good. */
export class KeyVersionRepository {
  constructor(
    private readonly db: PrismaExecutor,
    /** Every registered encrypted record type (the wiring's registry): where a key version can still be in use. */
    private readonly recordTypes: readonly EncryptedRecordType[],
  ) {}

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
   * Rows still written under `version` (a ciphertext, or a keyed digest for a fingerprint key), over every
   * registered encrypted record type: a key with any cannot be retired. The rotation job moves them all,
   * idempotency records included (only live ones count: an expired record is never opened again).
   */
  async rowsUsing(purpose: KeyPurpose, version: string, recordTypes: readonly EncryptedRecordType[] = this.recordTypes): Promise<number> {
    const counts = await Promise.all(
      recordTypes.flatMap((type) =>
        keyVersionColumns(type, purpose).map(async (column) => (await this.db.$queryRawUnsafe<Array<{ n: number }>>(countUsingSql(type, column), version))[0]?.n ?? 0),
      ),
    );
    return counts.reduce((sum, n) => sum + n, 0);
  }
}
