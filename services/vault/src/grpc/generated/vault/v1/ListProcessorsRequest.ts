// Original file: services/vault/proto/vault/v1/vault.proto


export interface ListProcessorsRequest {
}

export interface ListProcessorsRequest__Output {
}
