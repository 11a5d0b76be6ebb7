/**
 * The vault's public surface: everything its neighbours — the key-rotation job (services/key-rotation), the
 * scripts (scripts/) — may use. They import this module and nothing else of services/vault/src
 * (.dependency-cruiser.cjs, rule neighbour-bypasses-public-surface); what is not exported here may change
 * without them noticing. Tests may reach further.
 */

// Command lines (every command's --help, usage errors) and where the repository and its example keys are.
export * from './tooling.ts';

// Configuration: the one parsed, validated, frozen config.
export { loadConfig, loadConfigOrExit } from './config/load-config.ts';
export type { VaultConfig } from './config/vault-config.ts';

// Keys and ciphertexts.
export { buildCrypto, type RetiredKeys } from './crypto/build-crypto.ts';
export { DecryptionFailed, KeyringUnavailable, type EncryptionContext, type Envelope } from './crypto/envelope.ts';
export { kmsOutageName } from './crypto/kms-calls.ts';
export type { Fingerprinter } from './crypto/fingerprint.ts';
export { Pan } from './crypto/secret.ts';
export { encryptionContext, type EncryptedRecordType } from './encrypted-records/encrypted-record-type.ts';
export type { KeyPurpose } from './encrypted-records/key-purpose.ts';
export { andHoldsCiphertext, quoted, whereHoldsCiphertext } from './encrypted-records/record-sql.ts';
export { ENCRYPTED_RECORD_TYPES } from './wiring/encrypted-record-registry.ts';
export { sealPan } from './cards/card-secret.ts';
export { sealAddress } from './billing-profiles/billing-profile-secret.ts';
export { KeyVersionRepository } from './key-versions/key-version-repository.ts';

// The database and the audit log.
export { openConfiguredDatabase } from './storage/open-configured-database.ts';
export { sqlOn } from './storage/sql.ts';
export { isUniqueViolation } from './storage/database-errors.ts';
export { SqlAuditStore, type AuditStore } from './audit/audit-store.ts';

// Dev tooling: user assertions minted with the example identity key, invoices signed with the example partner keys,
// the ports a dev vault listens on.
export { mintDevAssertion } from './dev/dev-assertion.ts';
export { mintExampleInvoice, EXAMPLE_PARTNERS, type ExampleInvoice } from './dev/invoice-mint.ts';
export { listeningPorts } from './dev/listening-ports.ts';
