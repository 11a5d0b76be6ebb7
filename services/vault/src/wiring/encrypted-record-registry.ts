import { BILLING_PROFILE_RECORDS } from '../billing-profiles/billing-profile-secret.ts';
import { CARD_RECORDS } from '../cards/card-secret.ts';
import { IDEMPOTENCY_OUTCOME_RECORDS } from '../idempotency/write-outcome.ts';
import { IMPORT_KEY_RECORDS } from '../portability/import-key-record.ts';
import type { EncryptedRecordType } from '../encrypted-records/encrypted-record-type.ts';

/**
 * Every table holding ciphertexts. Key rotation re-encrypts each, `keys:retire` counts each, and the start-up
 * check reads each one's key versions: a new encrypted table is registered here, or its rows would keep old keys
 * alive unseen (test/integration/encrypted-record-registry.test.ts fails for a Prisma model left out).
 */
export const ENCRYPTED_RECORD_TYPES: readonly EncryptedRecordType[] = Object.freeze([CARD_RECORDS, BILLING_PROFILE_RECORDS, IDEMPOTENCY_OUTCOME_RECORDS, IMPORT_KEY_RECORDS]);
