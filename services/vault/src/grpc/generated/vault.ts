import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { BillingAddress as _vault_v1_BillingAddress, BillingAddress__Output as _vault_v1_BillingAddress__Output } from './vault/v1/BillingAddress';
import type { BillingProfile as _vault_v1_BillingProfile, BillingProfile__Output as _vault_v1_BillingProfile__Output } from './vault/v1/BillingProfile';
import type { Card as _vault_v1_Card, Card__Output as _vault_v1_Card__Output } from './vault/v1/Card';
import type { CardExport as _vault_v1_CardExport, CardExport__Output as _vault_v1_CardExport__Output } from './vault/v1/CardExport';
import type { CardExportIdRequest as _vault_v1_CardExportIdRequest, CardExportIdRequest__Output as _vault_v1_CardExportIdRequest__Output } from './vault/v1/CardExportIdRequest';
import type { CreateBillingProfileRequest as _vault_v1_CreateBillingProfileRequest, CreateBillingProfileRequest__Output as _vault_v1_CreateBillingProfileRequest__Output } from './vault/v1/CreateBillingProfileRequest';
import type { CreateCardSessionRequest as _vault_v1_CreateCardSessionRequest, CreateCardSessionRequest__Output as _vault_v1_CreateCardSessionRequest__Output } from './vault/v1/CreateCardSessionRequest';
import type { CreateCardSessionResponse as _vault_v1_CreateCardSessionResponse, CreateCardSessionResponse__Output as _vault_v1_CreateCardSessionResponse__Output } from './vault/v1/CreateCardSessionResponse';
import type { CreatePaymentSessionRequest as _vault_v1_CreatePaymentSessionRequest, CreatePaymentSessionRequest__Output as _vault_v1_CreatePaymentSessionRequest__Output } from './vault/v1/CreatePaymentSessionRequest';
import type { CreatePaymentSessionResponse as _vault_v1_CreatePaymentSessionResponse, CreatePaymentSessionResponse__Output as _vault_v1_CreatePaymentSessionResponse__Output } from './vault/v1/CreatePaymentSessionResponse';
import type { DeleteBillingProfileRequest as _vault_v1_DeleteBillingProfileRequest, DeleteBillingProfileRequest__Output as _vault_v1_DeleteBillingProfileRequest__Output } from './vault/v1/DeleteBillingProfileRequest';
import type { DeleteBillingProfileResponse as _vault_v1_DeleteBillingProfileResponse, DeleteBillingProfileResponse__Output as _vault_v1_DeleteBillingProfileResponse__Output } from './vault/v1/DeleteBillingProfileResponse';
import type { DeleteCardRequest as _vault_v1_DeleteCardRequest, DeleteCardRequest__Output as _vault_v1_DeleteCardRequest__Output } from './vault/v1/DeleteCardRequest';
import type { DeleteCardResponse as _vault_v1_DeleteCardResponse, DeleteCardResponse__Output as _vault_v1_DeleteCardResponse__Output } from './vault/v1/DeleteCardResponse';
import type { EffectivePaymentSettings as _vault_v1_EffectivePaymentSettings, EffectivePaymentSettings__Output as _vault_v1_EffectivePaymentSettings__Output } from './vault/v1/EffectivePaymentSettings';
import type { EraseUserDataRequest as _vault_v1_EraseUserDataRequest, EraseUserDataRequest__Output as _vault_v1_EraseUserDataRequest__Output } from './vault/v1/EraseUserDataRequest';
import type { EraseUserDataResponse as _vault_v1_EraseUserDataResponse, EraseUserDataResponse__Output as _vault_v1_EraseUserDataResponse__Output } from './vault/v1/EraseUserDataResponse';
import type { GetBillingProfileRequest as _vault_v1_GetBillingProfileRequest, GetBillingProfileRequest__Output as _vault_v1_GetBillingProfileRequest__Output } from './vault/v1/GetBillingProfileRequest';
import type { GetCardRequest as _vault_v1_GetCardRequest, GetCardRequest__Output as _vault_v1_GetCardRequest__Output } from './vault/v1/GetCardRequest';
import type { GetPaymentSessionRequest as _vault_v1_GetPaymentSessionRequest, GetPaymentSessionRequest__Output as _vault_v1_GetPaymentSessionRequest__Output } from './vault/v1/GetPaymentSessionRequest';
import type { GetPaymentSettingsRequest as _vault_v1_GetPaymentSettingsRequest, GetPaymentSettingsRequest__Output as _vault_v1_GetPaymentSettingsRequest__Output } from './vault/v1/GetPaymentSettingsRequest';
import type { GroupPaymentSettings as _vault_v1_GroupPaymentSettings, GroupPaymentSettings__Output as _vault_v1_GroupPaymentSettings__Output } from './vault/v1/GroupPaymentSettings';
import type { Invoice as _vault_v1_Invoice, Invoice__Output as _vault_v1_Invoice__Output } from './vault/v1/Invoice';
import type { IssuePaymentTokenRequest as _vault_v1_IssuePaymentTokenRequest, IssuePaymentTokenRequest__Output as _vault_v1_IssuePaymentTokenRequest__Output } from './vault/v1/IssuePaymentTokenRequest';
import type { IssuePaymentTokenResponse as _vault_v1_IssuePaymentTokenResponse, IssuePaymentTokenResponse__Output as _vault_v1_IssuePaymentTokenResponse__Output } from './vault/v1/IssuePaymentTokenResponse';
import type { Jwk as _vault_v1_Jwk, Jwk__Output as _vault_v1_Jwk__Output } from './vault/v1/Jwk';
import type { Jwks as _vault_v1_Jwks, Jwks__Output as _vault_v1_Jwks__Output } from './vault/v1/Jwks';
import type { ListBillingProfilesRequest as _vault_v1_ListBillingProfilesRequest, ListBillingProfilesRequest__Output as _vault_v1_ListBillingProfilesRequest__Output } from './vault/v1/ListBillingProfilesRequest';
import type { ListBillingProfilesResponse as _vault_v1_ListBillingProfilesResponse, ListBillingProfilesResponse__Output as _vault_v1_ListBillingProfilesResponse__Output } from './vault/v1/ListBillingProfilesResponse';
import type { ListCardsRequest as _vault_v1_ListCardsRequest, ListCardsRequest__Output as _vault_v1_ListCardsRequest__Output } from './vault/v1/ListCardsRequest';
import type { ListCardsResponse as _vault_v1_ListCardsResponse, ListCardsResponse__Output as _vault_v1_ListCardsResponse__Output } from './vault/v1/ListCardsResponse';
import type { ListPartnersRequest as _vault_v1_ListPartnersRequest, ListPartnersRequest__Output as _vault_v1_ListPartnersRequest__Output } from './vault/v1/ListPartnersRequest';
import type { ListPartnersResponse as _vault_v1_ListPartnersResponse, ListPartnersResponse__Output as _vault_v1_ListPartnersResponse__Output } from './vault/v1/ListPartnersResponse';
import type { ListProcessorsRequest as _vault_v1_ListProcessorsRequest, ListProcessorsRequest__Output as _vault_v1_ListProcessorsRequest__Output } from './vault/v1/ListProcessorsRequest';
import type { ListProcessorsResponse as _vault_v1_ListProcessorsResponse, ListProcessorsResponse__Output as _vault_v1_ListProcessorsResponse__Output } from './vault/v1/ListProcessorsResponse';
import type { Partner as _vault_v1_Partner, Partner__Output as _vault_v1_Partner__Output } from './vault/v1/Partner';
import type { PaymentSession as _vault_v1_PaymentSession, PaymentSession__Output as _vault_v1_PaymentSession__Output } from './vault/v1/PaymentSession';
import type { Processor as _vault_v1_Processor, Processor__Output as _vault_v1_Processor__Output } from './vault/v1/Processor';
import type { PutPartnerRequest as _vault_v1_PutPartnerRequest, PutPartnerRequest__Output as _vault_v1_PutPartnerRequest__Output } from './vault/v1/PutPartnerRequest';
import type { PutProcessorRequest as _vault_v1_PutProcessorRequest, PutProcessorRequest__Output as _vault_v1_PutProcessorRequest__Output } from './vault/v1/PutProcessorRequest';
import type { RedeemPaymentTokenRequest as _vault_v1_RedeemPaymentTokenRequest, RedeemPaymentTokenRequest__Output as _vault_v1_RedeemPaymentTokenRequest__Output } from './vault/v1/RedeemPaymentTokenRequest';
import type { RedeemPaymentTokenResponse as _vault_v1_RedeemPaymentTokenResponse, RedeemPaymentTokenResponse__Output as _vault_v1_RedeemPaymentTokenResponse__Output } from './vault/v1/RedeemPaymentTokenResponse';
import type { RequestCardExportRequest as _vault_v1_RequestCardExportRequest, RequestCardExportRequest__Output as _vault_v1_RequestCardExportRequest__Output } from './vault/v1/RequestCardExportRequest';
import type { SetGroupPaymentSettingsRequest as _vault_v1_SetGroupPaymentSettingsRequest, SetGroupPaymentSettingsRequest__Output as _vault_v1_SetGroupPaymentSettingsRequest__Output } from './vault/v1/SetGroupPaymentSettingsRequest';
import type { SetTenantPaymentSettingsRequest as _vault_v1_SetTenantPaymentSettingsRequest, SetTenantPaymentSettingsRequest__Output as _vault_v1_SetTenantPaymentSettingsRequest__Output } from './vault/v1/SetTenantPaymentSettingsRequest';
import type { TenantPaymentSettings as _vault_v1_TenantPaymentSettings, TenantPaymentSettings__Output as _vault_v1_TenantPaymentSettings__Output } from './vault/v1/TenantPaymentSettings';
import type { UpdateBillingProfileRequest as _vault_v1_UpdateBillingProfileRequest, UpdateBillingProfileRequest__Output as _vault_v1_UpdateBillingProfileRequest__Output } from './vault/v1/UpdateBillingProfileRequest';
import type { UpdateCardRequest as _vault_v1_UpdateCardRequest, UpdateCardRequest__Output as _vault_v1_UpdateCardRequest__Output } from './vault/v1/UpdateCardRequest';
import type { VaultClient as _vault_v1_VaultClient, VaultDefinition as _vault_v1_VaultDefinition } from './vault/v1/Vault';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  vault: {
    v1: {
      BillingAddress: MessageTypeDefinition<_vault_v1_BillingAddress, _vault_v1_BillingAddress__Output>
      BillingProfile: MessageTypeDefinition<_vault_v1_BillingProfile, _vault_v1_BillingProfile__Output>
      Card: MessageTypeDefinition<_vault_v1_Card, _vault_v1_Card__Output>
      CardExport: MessageTypeDefinition<_vault_v1_CardExport, _vault_v1_CardExport__Output>
      CardExportIdRequest: MessageTypeDefinition<_vault_v1_CardExportIdRequest, _vault_v1_CardExportIdRequest__Output>
      CreateBillingProfileRequest: MessageTypeDefinition<_vault_v1_CreateBillingProfileRequest, _vault_v1_CreateBillingProfileRequest__Output>
      CreateCardSessionRequest: MessageTypeDefinition<_vault_v1_CreateCardSessionRequest, _vault_v1_CreateCardSessionRequest__Output>
      CreateCardSessionResponse: MessageTypeDefinition<_vault_v1_CreateCardSessionResponse, _vault_v1_CreateCardSessionResponse__Output>
      CreatePaymentSessionRequest: MessageTypeDefinition<_vault_v1_CreatePaymentSessionRequest, _vault_v1_CreatePaymentSessionRequest__Output>
      CreatePaymentSessionResponse: MessageTypeDefinition<_vault_v1_CreatePaymentSessionResponse, _vault_v1_CreatePaymentSessionResponse__Output>
      DeleteBillingProfileRequest: MessageTypeDefinition<_vault_v1_DeleteBillingProfileRequest, _vault_v1_DeleteBillingProfileRequest__Output>
      DeleteBillingProfileResponse: MessageTypeDefinition<_vault_v1_DeleteBillingProfileResponse, _vault_v1_DeleteBillingProfileResponse__Output>
      DeleteCardRequest: MessageTypeDefinition<_vault_v1_DeleteCardRequest, _vault_v1_DeleteCardRequest__Output>
      DeleteCardResponse: MessageTypeDefinition<_vault_v1_DeleteCardResponse, _vault_v1_DeleteCardResponse__Output>
      EffectivePaymentSettings: MessageTypeDefinition<_vault_v1_EffectivePaymentSettings, _vault_v1_EffectivePaymentSettings__Output>
      EraseUserDataRequest: MessageTypeDefinition<_vault_v1_EraseUserDataRequest, _vault_v1_EraseUserDataRequest__Output>
      EraseUserDataResponse: MessageTypeDefinition<_vault_v1_EraseUserDataResponse, _vault_v1_EraseUserDataResponse__Output>
      GetBillingProfileRequest: MessageTypeDefinition<_vault_v1_GetBillingProfileRequest, _vault_v1_GetBillingProfileRequest__Output>
      GetCardRequest: MessageTypeDefinition<_vault_v1_GetCardRequest, _vault_v1_GetCardRequest__Output>
      GetPaymentSessionRequest: MessageTypeDefinition<_vault_v1_GetPaymentSessionRequest, _vault_v1_GetPaymentSessionRequest__Output>
      GetPaymentSettingsRequest: MessageTypeDefinition<_vault_v1_GetPaymentSettingsRequest, _vault_v1_GetPaymentSettingsRequest__Output>
      GroupPaymentSettings: MessageTypeDefinition<_vault_v1_GroupPaymentSettings, _vault_v1_GroupPaymentSettings__Output>
      Invoice: MessageTypeDefinition<_vault_v1_Invoice, _vault_v1_Invoice__Output>
      IssuePaymentTokenRequest: MessageTypeDefinition<_vault_v1_IssuePaymentTokenRequest, _vault_v1_IssuePaymentTokenRequest__Output>
      IssuePaymentTokenResponse: MessageTypeDefinition<_vault_v1_IssuePaymentTokenResponse, _vault_v1_IssuePaymentTokenResponse__Output>
      Jwk: MessageTypeDefinition<_vault_v1_Jwk, _vault_v1_Jwk__Output>
      Jwks: MessageTypeDefinition<_vault_v1_Jwks, _vault_v1_Jwks__Output>
      ListBillingProfilesRequest: MessageTypeDefinition<_vault_v1_ListBillingProfilesRequest, _vault_v1_ListBillingProfilesRequest__Output>
      ListBillingProfilesResponse: MessageTypeDefinition<_vault_v1_ListBillingProfilesResponse, _vault_v1_ListBillingProfilesResponse__Output>
      ListCardsRequest: MessageTypeDefinition<_vault_v1_ListCardsRequest, _vault_v1_ListCardsRequest__Output>
      ListCardsResponse: MessageTypeDefinition<_vault_v1_ListCardsResponse, _vault_v1_ListCardsResponse__Output>
      ListPartnersRequest: MessageTypeDefinition<_vault_v1_ListPartnersRequest, _vault_v1_ListPartnersRequest__Output>
      ListPartnersResponse: MessageTypeDefinition<_vault_v1_ListPartnersResponse, _vault_v1_ListPartnersResponse__Output>
      ListProcessorsRequest: MessageTypeDefinition<_vault_v1_ListProcessorsRequest, _vault_v1_ListProcessorsRequest__Output>
      ListProcessorsResponse: MessageTypeDefinition<_vault_v1_ListProcessorsResponse, _vault_v1_ListProcessorsResponse__Output>
      Partner: MessageTypeDefinition<_vault_v1_Partner, _vault_v1_Partner__Output>
      PaymentSession: MessageTypeDefinition<_vault_v1_PaymentSession, _vault_v1_PaymentSession__Output>
      Processor: MessageTypeDefinition<_vault_v1_Processor, _vault_v1_Processor__Output>
      PutPartnerRequest: MessageTypeDefinition<_vault_v1_PutPartnerRequest, _vault_v1_PutPartnerRequest__Output>
      PutProcessorRequest: MessageTypeDefinition<_vault_v1_PutProcessorRequest, _vault_v1_PutProcessorRequest__Output>
      RedeemPaymentTokenRequest: MessageTypeDefinition<_vault_v1_RedeemPaymentTokenRequest, _vault_v1_RedeemPaymentTokenRequest__Output>
      RedeemPaymentTokenResponse: MessageTypeDefinition<_vault_v1_RedeemPaymentTokenResponse, _vault_v1_RedeemPaymentTokenResponse__Output>
      RequestCardExportRequest: MessageTypeDefinition<_vault_v1_RequestCardExportRequest, _vault_v1_RequestCardExportRequest__Output>
      SetGroupPaymentSettingsRequest: MessageTypeDefinition<_vault_v1_SetGroupPaymentSettingsRequest, _vault_v1_SetGroupPaymentSettingsRequest__Output>
      SetTenantPaymentSettingsRequest: MessageTypeDefinition<_vault_v1_SetTenantPaymentSettingsRequest, _vault_v1_SetTenantPaymentSettingsRequest__Output>
      TenantPaymentSettings: MessageTypeDefinition<_vault_v1_TenantPaymentSettings, _vault_v1_TenantPaymentSettings__Output>
      UpdateBillingProfileRequest: MessageTypeDefinition<_vault_v1_UpdateBillingProfileRequest, _vault_v1_UpdateBillingProfileRequest__Output>
      UpdateCardRequest: MessageTypeDefinition<_vault_v1_UpdateCardRequest, _vault_v1_UpdateCardRequest__Output>
      Vault: SubtypeConstructor<typeof grpc.Client, _vault_v1_VaultClient> & { service: _vault_v1_VaultDefinition }
    }
  }
}

