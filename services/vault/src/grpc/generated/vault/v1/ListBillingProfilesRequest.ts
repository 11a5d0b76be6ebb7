// Original file: services/vault/proto/vault/v1/vault.proto


export interface ListBillingProfilesRequest {
}

export interface ListBillingProfilesRequest__Output {
}
