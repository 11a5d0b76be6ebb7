// Original file: services/vault/proto/vault/v1/vault.proto


export interface CardExportIdRequest {
  'id'?: (string);
}

export interface CardExportIdRequest__Output {
  'id'?: (string);
}
