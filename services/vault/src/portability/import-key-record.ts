import type { EncryptedRecordType } from '../encrypted-records/encrypted-record-type.ts';

/**
 * The import keys' private halves (import-keys.ts), as the encrypted-record registry sees them; kept apart from
 * the OpenPGP code so loading the registry does not load an OpenPGP library.
 */
export const IMPORT_KEY_RECORDS: EncryptedRecordType = {
  name: 'importKeys',
  table: 'import_keys',
  idColumn: 'id',
  ciphertextColumn: 'ciphertext',
  keyVersionColumn: 'key_version',
  rowVersionColumn: 'version',
  updatedAtColumn: 'updated_at',
  purpose: 'import-key',
  contextColumns: { record: 'id' },
};

