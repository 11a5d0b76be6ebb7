// Original file: services/vault/proto/vault/v1/vault.proto


export interface ListCardsRequest {
  'limit'?: (number);
  'startingAfter'?: (string);
  '_limit'?: "limit";
  '_startingAfter'?: "startingAfter";
}

export interface ListCardsRequest__Output {
  'limit'?: (number);
  'startingAfter'?: (string);
}
