// Original file: services/vault/proto/vault/v1/vault.proto


export interface EffectivePaymentSettings {
  'tenantEnabled'?: (boolean);
  'groupEnabled'?: (boolean);
  'effective'?: (boolean);
}

export interface EffectivePaymentSettings__Output {
  'tenantEnabled'?: (boolean);
  'groupEnabled'?: (boolean);
  'effective'?: (boolean);
}
