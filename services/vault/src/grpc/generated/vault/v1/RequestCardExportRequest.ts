// Original file: services/vault/proto/vault/v1/vault.proto


export interface RequestCardExportRequest {
  'tenantId'?: (string);
  'userId'?: (string);
  'recipientPublicKey'?: (string);
  '_userId'?: "userId";
}

export interface RequestCardExportRequest__Output {
  'tenantId'?: (string);
  'userId'?: (string);
  'recipientPublicKey'?: (string);
}
