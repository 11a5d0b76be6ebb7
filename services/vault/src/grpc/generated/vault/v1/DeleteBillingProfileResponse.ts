// Original file: services/vault/proto/vault/v1/vault.proto


export interface DeleteBillingProfileResponse {
}

export interface DeleteBillingProfileResponse__Output {
}
