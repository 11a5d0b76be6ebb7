// Original file: services/vault/proto/vault/v1/vault.proto


export interface UpdateBillingProfileRequest {
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
  '_name'?: "name";
  '_line1'?: "line1";
  '_line2'?: "line2";
  '_city'?: "city";
  '_region'?: "region";
  '_postalCode'?: "postalCode";
  '_country'?: "country";
  '_email'?: "email";
  '_phone'?: "phone";
}

export interface UpdateBillingProfileRequest__Output {
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
}
