// Original file: services/vault/proto/vault/v1/vault.proto


export interface BillingProfile {
  'id'?: (string);
  'name'?: (string);
  'line1'?: (string);
  'line2'?: (string);
  'city'?: (string);
  'region'?: (string);
  'postalCode'?: (string);
  'country'?: (string);
  'email'?: (string);
  'phone'?: (string);
  'createdAt'?: (string);
  'updatedAt'?: (string);
  '_line2'?: "line2";
  '_region'?: "region";
  '_email'?: "email";
  '_phone'?: "phone";
}

export interface BillingProfile__Output {
  'id'?: (string);
  'name'?: (string);
  'line1'?: (string);
  'line2'?: (string);
  'city'?: (string);
  'region'?: (string);
  'postalCode'?: (string);
  'country'?: (string);
  'email'?: (string);
  'phone'?: (string);
  'createdAt'?: (string);
  'updatedAt'?: (string);
}
