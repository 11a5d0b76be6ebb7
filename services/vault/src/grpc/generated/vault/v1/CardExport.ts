// Original file: services/vault/proto/vault/v1/vault.proto


export interface CardExport {
  'id'?: (string);
  'tenantId'?: (string);
  'userId'?: (string);
  'recipientFingerprint'?: (string);
  'status'?: (string);
  'requestedBy'?: (string);
  'approvedBy'?: (string);
  'expiresAt'?: (string);
  '_userId'?: "userId";
  '_approvedBy'?: "approvedBy";
}

export interface CardExport__Output {
  'id'?: (string);
  'tenantId'?: (string);
  'userId'?: (string);
  'recipientFingerprint'?: (string);
  'status'?: (string);
  'requestedBy'?: (string);
  'approvedBy'?: (string);
  'expiresAt'?: (string);
}
