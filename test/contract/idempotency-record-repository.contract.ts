import { describe, expect, it } from 'vitest';
import { at, hex, type DatabaseSubject, type Subject } from './contract-subjects.ts';

const HOUR = 3_600_000;
const outcome = { status: 201, contentType: 'application/json; charset=utf-8', response: new Uint8Array([7, 8, 9]), keyVersion: 'v1' };

/** What idempotent writes rely on from `IdempotencyRecordRepository`, for any implementation. */
export function describeIdempotencyRecordRepositoryContract(name: string, subject: Subject<DatabaseSubject>): void {
  describe(`IdempotencyRecordRepository contract (${name})`, () => {
    const records = () => subject().uow.repos.idempotency;

    it('a live record holds its key: a reservation is not found until filled, and blocks another reservation', async () => {
      const key = `contract-${hex()}`;
      const now = at(Date.now());
      const expiresAt = at(now.getTime() + HOUR);
      expect(await records().find(key, now)).toBeNull();
      expect(await records().reserve(key, 'digest-1', expiresAt, now)).toBe(true);
      expect(await records().find(key, now)).toBeNull();
      expect(await records().reserve(key, 'digest-2', expiresAt, now)).toBe(false);
      await records().fill(key, outcome);
      const found = await records().find(key, now);
      expect({ ...found, response: Buffer.from(found!.response) }).toEqual({ ...outcome, requestDigest: 'digest-1', response: Buffer.from(outcome.response) });
      expect(await records().reserve(key, 'digest-2', expiresAt, now)).toBe(false);
    });

    it('an expired record is not found, and a new reservation replaces it', async () => {
      const key = `contract-${hex()}`;
      const now = at(Date.now());
      await records().reserve(key, 'old', at(now.getTime() + HOUR), now);
      await records().fill(key, outcome);
      const later = at(now.getTime() + HOUR);
      expect(await records().find(key, later)).toBeNull();
      expect(await records().reserve(key, 'new', at(later.getTime() + HOUR), later)).toBe(true);
      expect(await records().find(key, later)).toBeNull();
      await records().fill(key, { ...outcome, status: 200 });
      expect(await records().find(key, later)).toMatchObject({ requestDigest: 'new', status: 200 });
    });

    it('fills only a key that was reserved', async () => {
      await expect(records().fill(`contract-${hex()}`, outcome)).rejects.toThrow();
    });

    it('purges expired records', async () => {
      const key = `contract-${hex()}`;
      const expiresAt = at(Date.now() - 1_000);
      const before = at(expiresAt.getTime() - HOUR);
      await records().reserve(key, 'd', expiresAt, before);
      expect(await records().purgeExpired(at(Date.now()))).toBeGreaterThanOrEqual(1);
      // Only a purged key can be reserved again at an instant when the old record was still live.
      expect(await records().reserve(key, 'd', at(Date.now() + HOUR), before)).toBe(true);
    });
  });
}
