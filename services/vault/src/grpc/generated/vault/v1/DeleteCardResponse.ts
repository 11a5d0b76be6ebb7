// Original file: services/vault/proto/vault/v1/vault.proto


export interface DeleteCardResponse {
}

export interface DeleteCardResponse__Output {
}
