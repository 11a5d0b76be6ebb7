// Original file: services/vault/proto/vault/v1/vault.proto


export interface ListPartnersRequest {
}

export interface ListPartnersRequest__Output {
}
