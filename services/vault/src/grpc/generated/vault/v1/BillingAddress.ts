// Original file: services/vault/proto/vault/v1/vault.proto


export interface BillingAddress {
  'name'?: (string);
  'line1'?: (string);
  'line2'?: (string);
  'city'?: (string);
  'region'?: (string);
  'postalCode'?: (string);
  'country'?: (string);
  'email'?: (string);
  'phone'?: (string);
  '_line2'?: "line2";
  '_region'?: "region";
  '_email'?: "email";
  '_phone'?: "phone";
}

export interface BillingAddress__Output {
  'name'?: (string);
  'line1'?: (string);
  'line2'?: (string);
  'city'?: (string);
  'region'?: (string);
  'postalCode'?: (string);
  'country'?: (string);
  'email'?: (string);
  'phone'?: (string);
}
