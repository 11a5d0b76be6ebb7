// Original file: services/vault/proto/vault/v1/vault.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { BillingProfile as _vault_v1_BillingProfile, BillingProfile__Output as _vault_v1_BillingProfile__Output } from '../../vault/v1/BillingProfile';
import type { Card as _vault_v1_Card, Card__Output as _vault_v1_Card__Output } from '../../vault/v1/Card';
import type { CardExport as _vault_v1_CardExport, CardExport__Output as _vault_v1_CardExport__Output } from '../../vault/v1/CardExport';
import type { CardExportIdRequest as _vault_v1_CardExportIdRequest, CardExportIdRequest__Output as _vault_v1_CardExportIdRequest__Output } from '../../vault/v1/CardExportIdRequest';
import type { CreateBillingProfileRequest as _vault_v1_CreateBillingProfileRequest, CreateBillingProfileRequest__Output as _vault_v1_CreateBillingProfileRequest__Output } from '../../vault/v1/CreateBillingProfileRequest';
import type { CreateCardSessionRequest as _vault_v1_CreateCardSessionRequest, CreateCardSessionRequest__Output as _vault_v1_CreateCardSessionRequest__Output } from '../../vault/v1/CreateCardSessionRequest';
import type { CreateCardSessionResponse as _vault_v1_CreateCardSessionResponse, CreateCardSessionResponse__Output as _vault_v1_CreateCardSessionResponse__Output } from '../../vault/v1/CreateCardSessionResponse';
import type { CreatePaymentSessionRequest as _vault_v1_CreatePaymentSessionRequest, CreatePaymentSessionRequest__Output as _vault_v1_CreatePaymentSessionRequest__Output } from '../../vault/v1/CreatePaymentSessionRequest';
import type { CreatePaymentSessionResponse as _vault_v1_CreatePaymentSessionResponse, CreatePaymentSessionResponse__Output as _vault_v1_CreatePaymentSessionResponse__Output } from '../../vault/v1/CreatePaymentSessionResponse';
import type { DeleteBillingProfileRequest as _vault_v1_DeleteBillingProfileRequest, DeleteBillingProfileRequest__Output as _vault_v1_DeleteBillingProfileRequest__Output } from '../../vault/v1/DeleteBillingProfileRequest';
import type { DeleteBillingProfileResponse as _vault_v1_DeleteBillingProfileResponse, DeleteBillingProfileResponse__Output as _vault_v1_DeleteBillingProfileResponse__Output } from '../../vault/v1/DeleteBillingProfileResponse';
import type { DeleteCardRequest as _vault_v1_DeleteCardRequest, DeleteCardRequest__Output as _vault_v1_DeleteCardRequest__Output } from '../../vault/v1/DeleteCardRequest';
import type { DeleteCardResponse as _vault_v1_DeleteCardResponse, DeleteCardResponse__Output as _vault_v1_DeleteCardResponse__Output } from '../../vault/v1/DeleteCardResponse';
import type { EffectivePaymentSettings as _vault_v1_EffectivePaymentSettings, EffectivePaymentSettings__Output as _vault_v1_EffectivePaymentSettings__Output } from '../../vault/v1/EffectivePaymentSettings';
import type { EraseUserDataRequest as _vault_v1_EraseUserDataRequest, EraseUserDataRequest__Output as _vault_v1_EraseUserDataRequest__Output } from '../../vault/v1/EraseUserDataRequest';
import type { EraseUserDataResponse as _vault_v1_EraseUserDataResponse, EraseUserDataResponse__Output as _vault_v1_EraseUserDataResponse__Output } from '../../vault/v1/EraseUserDataResponse';
import type { GetBillingProfileRequest as _vault_v1_GetBillingProfileRequest, GetBillingProfileRequest__Output as _vault_v1_GetBillingProfileRequest__Output } from '../../vault/v1/GetBillingProfileRequest';
import type { GetCardRequest as _vault_v1_GetCardRequest, GetCardRequest__Output as _vault_v1_GetCardRequest__Output } from '../../vault/v1/GetCardRequest';
import type { GetPaymentSessionRequest as _vault_v1_GetPaymentSessionRequest, GetPaymentSessionRequest__Output as _vault_v1_GetPaymentSessionRequest__Output } from '../../vault/v1/GetPaymentSessionRequest';
import type { GetPaymentSettingsRequest as _vault_v1_GetPaymentSettingsRequest, GetPaymentSettingsRequest__Output as _vault_v1_GetPaymentSettingsRequest__Output } from '../../vault/v1/GetPaymentSettingsRequest';
import type { GroupPaymentSettings as _vault_v1_GroupPaymentSettings, GroupPaymentSettings__Output as _vault_v1_GroupPaymentSettings__Output } from '../../vault/v1/GroupPaymentSettings';
import type { IssuePaymentTokenRequest as _vault_v1_IssuePaymentTokenRequest, IssuePaymentTokenRequest__Output as _vault_v1_IssuePaymentTokenRequest__Output } from '../../vault/v1/IssuePaymentTokenRequest';
import type { IssuePaymentTokenResponse as _vault_v1_IssuePaymentTokenResponse, IssuePaymentTokenResponse__Output as _vault_v1_IssuePaymentTokenResponse__Output } from '../../vault/v1/IssuePaymentTokenResponse';
import type { ListBillingProfilesRequest as _vault_v1_ListBillingProfilesRequest, ListBillingProfilesRequest__Output as _vault_v1_ListBillingProfilesRequest__Output } from '../../vault/v1/ListBillingProfilesRequest';
import type { ListBillingProfilesResponse as _vault_v1_ListBillingProfilesResponse, ListBillingProfilesResponse__Output as _vault_v1_ListBillingProfilesResponse__Output } from '../../vault/v1/ListBillingProfilesResponse';
import type { ListCardsRequest as _vault_v1_ListCardsRequest, ListCardsRequest__Output as _vault_v1_ListCardsRequest__Output } from '../../vault/v1/ListCardsRequest';
import type { ListCardsResponse as _vault_v1_ListCardsResponse, ListCardsResponse__Output as _vault_v1_ListCardsResponse__Output } from '../../vault/v1/ListCardsResponse';
import type { ListPartnersRequest as _vault_v1_ListPartnersRequest, ListPartnersRequest__Output as _vault_v1_ListPartnersRequest__Output } from '../../vault/v1/ListPartnersRequest';
import type { ListPartnersResponse as _vault_v1_ListPartnersResponse, ListPartnersResponse__Output as _vault_v1_ListPartnersResponse__Output } from '../../vault/v1/ListPartnersResponse';
import type { ListProcessorsRequest as _vault_v1_ListProcessorsRequest, ListProcessorsRequest__Output as _vault_v1_ListProcessorsRequest__Output } from '../../vault/v1/ListProcessorsRequest';
import type { ListProcessorsResponse as _vault_v1_ListProcessorsResponse, ListProcessorsResponse__Output as _vault_v1_ListProcessorsResponse__Output } from '../../vault/v1/ListProcessorsResponse';
import type { Partner as _vault_v1_Partner, Partner__Output as _vault_v1_Partner__Output } from '../../vault/v1/Partner';
import type { PaymentSession as _vault_v1_PaymentSession, PaymentSession__Output as _vault_v1_PaymentSession__Output } from '../../vault/v1/PaymentSession';
import type { Processor as _vault_v1_Processor, Processor__Output as _vault_v1_Processor__Output } from '../../vault/v1/Processor';
import type { PutPartnerRequest as _vault_v1_PutPartnerRequest, PutPartnerRequest__Output as _vault_v1_PutPartnerRequest__Output } from '../../vault/v1/PutPartnerRequest';
import type { PutProcessorRequest as _vault_v1_PutProcessorRequest, PutProcessorRequest__Output as _vault_v1_PutProcessorRequest__Output } from '../../vault/v1/PutProcessorRequest';
import type { RedeemPaymentTokenRequest as _vault_v1_RedeemPaymentTokenRequest, RedeemPaymentTokenRequest__Output as _vault_v1_RedeemPaymentTokenRequest__Output } from '../../vault/v1/RedeemPaymentTokenRequest';
import type { RedeemPaymentTokenResponse as _vault_v1_RedeemPaymentTokenResponse, RedeemPaymentTokenResponse__Output as _vault_v1_RedeemPaymentTokenResponse__Output } from '../../vault/v1/RedeemPaymentTokenResponse';
import type { RequestCardExportRequest as _vault_v1_RequestCardExportRequest, RequestCardExportRequest__Output as _vault_v1_RequestCardExportRequest__Output } from '../../vault/v1/RequestCardExportRequest';
import type { SetGroupPaymentSettingsRequest as _vault_v1_SetGroupPaymentSettingsRequest, SetGroupPaymentSettingsRequest__Output as _vault_v1_SetGroupPaymentSettingsRequest__Output } from '../../vault/v1/SetGroupPaymentSettingsRequest';
import type { SetTenantPaymentSettingsRequest as _vault_v1_SetTenantPaymentSettingsRequest, SetTenantPaymentSettingsRequest__Output as _vault_v1_SetTenantPaymentSettingsRequest__Output } from '../../vault/v1/SetTenantPaymentSettingsRequest';
import type { TenantPaymentSettings as _vault_v1_TenantPaymentSettings, TenantPaymentSettings__Output as _vault_v1_TenantPaymentSettings__Output } from '../../vault/v1/TenantPaymentSettings';
import type { UpdateBillingProfileRequest as _vault_v1_UpdateBillingProfileRequest, UpdateBillingProfileRequest__Output as _vault_v1_UpdateBillingProfileRequest__Output } from '../../vault/v1/UpdateBillingProfileRequest';
import type { UpdateCardRequest as _vault_v1_UpdateCardRequest, UpdateCardRequest__Output as _vault_v1_UpdateCardRequest__Output } from '../../vault/v1/UpdateCardRequest';

export interface VaultClient extends grpc.Client {
  ApproveCardExport(argument: _vault_v1_CardExportIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  ApproveCardExport(argument: _vault_v1_CardExportIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  ApproveCardExport(argument: _vault_v1_CardExportIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  ApproveCardExport(argument: _vault_v1_CardExportIdRequest, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  approveCardExport(argument: _vault_v1_CardExportIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  approveCardExport(argument: _vault_v1_CardExportIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  approveCardExport(argument: _vault_v1_CardExportIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  approveCardExport(argument: _vault_v1_CardExportIdRequest, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  
  CreateBillingProfile(argument: _vault_v1_CreateBillingProfileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_BillingProfile__Output>): grpc.ClientUnaryCall;
  CreateBillingProfile(argument: _vault_v1_CreateBillingProfileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_BillingProfile__Output>): grpc.ClientUnaryCall;
  CreateBillingProfile(argument: _vault_v1_CreateBillingProfileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_BillingProfile__Output>): grpc.ClientUnaryCall;
  CreateBillingProfile(argument: _vault_v1_CreateBillingProfileRequest, callback: grpc.requestCallback<_vault_v1_BillingProfile__Output>): grpc.ClientUnaryCall;
  createBillingProfile(argument: _vault_v1_CreateBillingProfileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_BillingProfile__Output>): grpc.ClientUnaryCall;
  createBillingProfile(argument: _vault_v1_CreateBillingProfileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_BillingProfile__Output>): grpc.ClientUnaryCall;
  createBillingProfile(argument: _vault_v1_CreateBillingProfileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_BillingProfile__Output>): grpc.ClientUnaryCall;
  createBillingProfile(argument: _vault_v1_CreateBillingProfileRequest, callback: grpc.requestCallback<_vault_v1_BillingProfile__Output>): grpc.ClientUnaryCall;
  
  CreateCardSession(argument: _vault_v1_CreateCardSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_CreateCardSessionResponse__Output>): grpc.ClientUnaryCall;
  CreateCardSession(argument: _vault_v1_CreateCardSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_CreateCardSessionResponse__Output>): grpc.ClientUnaryCall;
  CreateCardSession(argument: _vault_v1_CreateCardSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_CreateCardSessionResponse__Output>): grpc.ClientUnaryCall;
  CreateCardSession(argument: _vault_v1_CreateCardSessionRequest, callback: grpc.requestCallback<_vault_v1_CreateCardSessionResponse__Output>): grpc.ClientUnaryCall;
  createCardSession(argument: _vault_v1_CreateCardSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_CreateCardSessionResponse__Output>): grpc.ClientUnaryCall;
  createCardSession(argument: _vault_v1_CreateCardSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_CreateCardSessionResponse__Output>): grpc.ClientUnaryCall;
  createCardSession(argument: _vault_v1_CreateCardSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_CreateCardSessionResponse__Output>): grpc.ClientUnaryCall;
  createCardSession(argument: _vault_v1_CreateCardSessionRequest, callback: grpc.requestCallback<_vault_v1_CreateCardSessionResponse__Output>): grpc.ClientUnaryCall;
  
  CreatePaymentSession(argument: _vault_v1_CreatePaymentSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_CreatePaymentSessionResponse__Output>): grpc.ClientUnaryCall;
  CreatePaymentSession(argument: _vault_v1_CreatePaymentSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_CreatePaymentSessionResponse__Output>): grpc.ClientUnaryCall;
  CreatePaymentSession(argument: _vault_v1_CreatePaymentSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_CreatePaymentSessionResponse__Output>): grpc.ClientUnaryCall;
  CreatePaymentSession(argument: _vault_v1_CreatePaymentSessionRequest, callback: grpc.requestCallback<_vault_v1_CreatePaymentSessionResponse__Output>): grpc.ClientUnaryCall;
  createPaymentSession(argument: _vault_v1_CreatePaymentSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_CreatePaymentSessionResponse__Output>): grpc.ClientUnaryCall;
  createPaymentSession(argument: _vault_v1_CreatePaymentSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_CreatePaymentSessionResponse__Output>): grpc.ClientUnaryCall;
  createPaymentSession(argument: _vault_v1_CreatePaymentSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_CreatePaymentSessionResponse__Output>): grpc.ClientUnaryCall;
  createPaymentSession(argument: _vault_v1_CreatePaymentSessionRequest, callback: grpc.requestCallback<_vault_v1_CreatePaymentSessionResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteBillingProfile(argument: _vault_v1_DeleteBillingProfileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_DeleteBillingProfileResponse__Output>): grpc.ClientUnaryCall;
  DeleteBillingProfile(argument: _vault_v1_DeleteBillingProfileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_DeleteBillingProfileResponse__Output>): grpc.ClientUnaryCall;
  DeleteBillingProfile(argument: _vault_v1_DeleteBillingProfileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_DeleteBillingProfileResponse__Output>): grpc.ClientUnaryCall;
  DeleteBillingProfile(argument: _vault_v1_DeleteBillingProfileRequest, callback: grpc.requestCallback<_vault_v1_DeleteBillingProfileResponse__Output>): grpc.ClientUnaryCall;
  deleteBillingProfile(argument: _vault_v1_DeleteBillingProfileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_DeleteBillingProfileResponse__Output>): grpc.ClientUnaryCall;
  deleteBillingProfile(argument: _vault_v1_DeleteBillingProfileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_DeleteBillingProfileResponse__Output>): grpc.ClientUnaryCall;
  deleteBillingProfile(argument: _vault_v1_DeleteBillingProfileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_DeleteBillingProfileResponse__Output>): grpc.ClientUnaryCall;
  deleteBillingProfile(argument: _vault_v1_DeleteBillingProfileRequest, callback: grpc.requestCallback<_vault_v1_DeleteBillingProfileResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteCard(argument: _vault_v1_DeleteCardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_DeleteCardResponse__Output>): grpc.ClientUnaryCall;
  DeleteCard(argument: _vault_v1_DeleteCardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_DeleteCardResponse__Output>): grpc.ClientUnaryCall;
  DeleteCard(argument: _vault_v1_DeleteCardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_DeleteCardResponse__Output>): grpc.ClientUnaryCall;
  DeleteCard(argument: _vault_v1_DeleteCardRequest, callback: grpc.requestCallback<_vault_v1_DeleteCardResponse__Output>): grpc.ClientUnaryCall;
  deleteCard(argument: _vault_v1_DeleteCardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_DeleteCardResponse__Output>): grpc.ClientUnaryCall;
  deleteCard(argument: _vault_v1_DeleteCardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_DeleteCardResponse__Output>): grpc.ClientUnaryCall;
  deleteCard(argument: _vault_v1_DeleteCardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_DeleteCardResponse__Output>): grpc.ClientUnaryCall;
  deleteCard(argument: _vault_v1_DeleteCardRequest, callback: grpc.requestCallback<_vault_v1_DeleteCardResponse__Output>): grpc.ClientUnaryCall;
  
  EraseUserData(argument: _vault_v1_EraseUserDataRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_EraseUserDataResponse__Output>): grpc.ClientUnaryCall;
  EraseUserData(argument: _vault_v1_EraseUserDataRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_EraseUserDataResponse__Output>): grpc.ClientUnaryCall;
  EraseUserData(argument: _vault_v1_EraseUserDataRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_EraseUserDataResponse__Output>): grpc.ClientUnaryCall;
  EraseUserData(argument: _vault_v1_EraseUserDataRequest, callback: grpc.requestCallback<_vault_v1_EraseUserDataResponse__Output>): grpc.ClientUnaryCall;
  eraseUserData(argument: _vault_v1_EraseUserDataRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_EraseUserDataResponse__Output>): grpc.ClientUnaryCall;
  eraseUserData(argument: _vault_v1_EraseUserDataRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_EraseUserDataResponse__Output>): grpc.ClientUnaryCall;
  eraseUserData(argument: _vault_v1_EraseUserDataRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_EraseUserDataResponse__Output>): grpc.ClientUnaryCall;
  eraseUserData(argument: _vault_v1_EraseUserDataRequest, callback: grpc.requestCallback<_vault_v1_EraseUserDataResponse__Output>): grpc.ClientUnaryCall;
  
  GetBillingProfile(argument: _vault_v1_GetBillingProfileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_BillingProfile__Output>): grpc.ClientUnaryCall;
  GetBillingProfile(argument: _vault_v1_GetBillingProfileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_BillingProfile__Output>): grpc.ClientUnaryCall;
  GetBillingProfile(argument: _vault_v1_GetBillingProfileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_BillingProfile__Output>): grpc.ClientUnaryCall;
  GetBillingProfile(argument: _vault_v1_GetBillingProfileRequest, callback: grpc.requestCallback<_vault_v1_BillingProfile__Output>): grpc.ClientUnaryCall;
  getBillingProfile(argument: _vault_v1_GetBillingProfileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_BillingProfile__Output>): grpc.ClientUnaryCall;
  getBillingProfile(argument: _vault_v1_GetBillingProfileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_BillingProfile__Output>): grpc.ClientUnaryCall;
  getBillingProfile(argument: _vault_v1_GetBillingProfileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_BillingProfile__Output>): grpc.ClientUnaryCall;
  getBillingProfile(argument: _vault_v1_GetBillingProfileRequest, callback: grpc.requestCallback<_vault_v1_BillingProfile__Output>): grpc.ClientUnaryCall;
  
  GetCard(argument: _vault_v1_GetCardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_Card__Output>): grpc.ClientUnaryCall;
  GetCard(argument: _vault_v1_GetCardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_Card__Output>): grpc.ClientUnaryCall;
  GetCard(argument: _vault_v1_GetCardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_Card__Output>): grpc.ClientUnaryCall;
  GetCard(argument: _vault_v1_GetCardRequest, callback: grpc.requestCallback<_vault_v1_Card__Output>): grpc.ClientUnaryCall;
  getCard(argument: _vault_v1_GetCardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_Card__Output>): grpc.ClientUnaryCall;
  getCard(argument: _vault_v1_GetCardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_Card__Output>): grpc.ClientUnaryCall;
  getCard(argument: _vault_v1_GetCardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_Card__Output>): grpc.ClientUnaryCall;
  getCard(argument: _vault_v1_GetCardRequest, callback: grpc.requestCallback<_vault_v1_Card__Output>): grpc.ClientUnaryCall;
  
  GetCardExport(argument: _vault_v1_CardExportIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  GetCardExport(argument: _vault_v1_CardExportIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  GetCardExport(argument: _vault_v1_CardExportIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  GetCardExport(argument: _vault_v1_CardExportIdRequest, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  getCardExport(argument: _vault_v1_CardExportIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  getCardExport(argument: _vault_v1_CardExportIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  getCardExport(argument: _vault_v1_CardExportIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  getCardExport(argument: _vault_v1_CardExportIdRequest, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  
  GetPaymentSession(argument: _vault_v1_GetPaymentSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_PaymentSession__Output>): grpc.ClientUnaryCall;
  GetPaymentSession(argument: _vault_v1_GetPaymentSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_PaymentSession__Output>): grpc.ClientUnaryCall;
  GetPaymentSession(argument: _vault_v1_GetPaymentSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_PaymentSession__Output>): grpc.ClientUnaryCall;
  GetPaymentSession(argument: _vault_v1_GetPaymentSessionRequest, callback: grpc.requestCallback<_vault_v1_PaymentSession__Output>): grpc.ClientUnaryCall;
  getPaymentSession(argument: _vault_v1_GetPaymentSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_PaymentSession__Output>): grpc.ClientUnaryCall;
  getPaymentSession(argument: _vault_v1_GetPaymentSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_PaymentSession__Output>): grpc.ClientUnaryCall;
  getPaymentSession(argument: _vault_v1_GetPaymentSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_PaymentSession__Output>): grpc.ClientUnaryCall;
  getPaymentSession(argument: _vault_v1_GetPaymentSessionRequest, callback: grpc.requestCallback<_vault_v1_PaymentSession__Output>): grpc.ClientUnaryCall;
  
  GetPaymentSettings(argument: _vault_v1_GetPaymentSettingsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_EffectivePaymentSettings__Output>): grpc.ClientUnaryCall;
  GetPaymentSettings(argument: _vault_v1_GetPaymentSettingsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_EffectivePaymentSettings__Output>): grpc.ClientUnaryCall;
  GetPaymentSettings(argument: _vault_v1_GetPaymentSettingsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_EffectivePaymentSettings__Output>): grpc.ClientUnaryCall;
  GetPaymentSettings(argument: _vault_v1_GetPaymentSettingsRequest, callback: grpc.requestCallback<_vault_v1_EffectivePaymentSettings__Output>): grpc.ClientUnaryCall;
  getPaymentSettings(argument: _vault_v1_GetPaymentSettingsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_EffectivePaymentSettings__Output>): grpc.ClientUnaryCall;
  getPaymentSettings(argument: _vault_v1_GetPaymentSettingsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_EffectivePaymentSettings__Output>): grpc.ClientUnaryCall;
  getPaymentSettings(argument: _vault_v1_GetPaymentSettingsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_EffectivePaymentSettings__Output>): grpc.ClientUnaryCall;
  getPaymentSettings(argument: _vault_v1_GetPaymentSettingsRequest, callback: grpc.requestCallback<_vault_v1_EffectivePaymentSettings__Output>): grpc.ClientUnaryCall;
  
  IssuePaymentToken(argument: _vault_v1_IssuePaymentTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_IssuePaymentTokenResponse__Output>): grpc.ClientUnaryCall;
  IssuePaymentToken(argument: _vault_v1_IssuePaymentTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_IssuePaymentTokenResponse__Output>): grpc.ClientUnaryCall;
  IssuePaymentToken(argument: _vault_v1_IssuePaymentTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_IssuePaymentTokenResponse__Output>): grpc.ClientUnaryCall;
  IssuePaymentToken(argument: _vault_v1_IssuePaymentTokenRequest, callback: grpc.requestCallback<_vault_v1_IssuePaymentTokenResponse__Output>): grpc.ClientUnaryCall;
  issuePaymentToken(argument: _vault_v1_IssuePaymentTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_IssuePaymentTokenResponse__Output>): grpc.ClientUnaryCall;
  issuePaymentToken(argument: _vault_v1_IssuePaymentTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_IssuePaymentTokenResponse__Output>): grpc.ClientUnaryCall;
  issuePaymentToken(argument: _vault_v1_IssuePaymentTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_IssuePaymentTokenResponse__Output>): grpc.ClientUnaryCall;
  issuePaymentToken(argument: _vault_v1_IssuePaymentTokenRequest, callback: grpc.requestCallback<_vault_v1_IssuePaymentTokenResponse__Output>): grpc.ClientUnaryCall;
  
  ListBillingProfiles(argument: _vault_v1_ListBillingProfilesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_ListBillingProfilesResponse__Output>): grpc.ClientUnaryCall;
  ListBillingProfiles(argument: _vault_v1_ListBillingProfilesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_ListBillingProfilesResponse__Output>): grpc.ClientUnaryCall;
  ListBillingProfiles(argument: _vault_v1_ListBillingProfilesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_ListBillingProfilesResponse__Output>): grpc.ClientUnaryCall;
  ListBillingProfiles(argument: _vault_v1_ListBillingProfilesRequest, callback: grpc.requestCallback<_vault_v1_ListBillingProfilesResponse__Output>): grpc.ClientUnaryCall;
  listBillingProfiles(argument: _vault_v1_ListBillingProfilesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_ListBillingProfilesResponse__Output>): grpc.ClientUnaryCall;
  listBillingProfiles(argument: _vault_v1_ListBillingProfilesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_ListBillingProfilesResponse__Output>): grpc.ClientUnaryCall;
  listBillingProfiles(argument: _vault_v1_ListBillingProfilesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_ListBillingProfilesResponse__Output>): grpc.ClientUnaryCall;
  listBillingProfiles(argument: _vault_v1_ListBillingProfilesRequest, callback: grpc.requestCallback<_vault_v1_ListBillingProfilesResponse__Output>): grpc.ClientUnaryCall;
  
  ListCards(argument: _vault_v1_ListCardsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_ListCardsResponse__Output>): grpc.ClientUnaryCall;
  ListCards(argument: _vault_v1_ListCardsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_ListCardsResponse__Output>): grpc.ClientUnaryCall;
  ListCards(argument: _vault_v1_ListCardsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_ListCardsResponse__Output>): grpc.ClientUnaryCall;
  ListCards(argument: _vault_v1_ListCardsRequest, callback: grpc.requestCallback<_vault_v1_ListCardsResponse__Output>): grpc.ClientUnaryCall;
  listCards(argument: _vault_v1_ListCardsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_ListCardsResponse__Output>): grpc.ClientUnaryCall;
  listCards(argument: _vault_v1_ListCardsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_ListCardsResponse__Output>): grpc.ClientUnaryCall;
  listCards(argument: _vault_v1_ListCardsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_ListCardsResponse__Output>): grpc.ClientUnaryCall;
  listCards(argument: _vault_v1_ListCardsRequest, callback: grpc.requestCallback<_vault_v1_ListCardsResponse__Output>): grpc.ClientUnaryCall;
  
  ListPartners(argument: _vault_v1_ListPartnersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_ListPartnersResponse__Output>): grpc.ClientUnaryCall;
  ListPartners(argument: _vault_v1_ListPartnersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_ListPartnersResponse__Output>): grpc.ClientUnaryCall;
  ListPartners(argument: _vault_v1_ListPartnersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_ListPartnersResponse__Output>): grpc.ClientUnaryCall;
  ListPartners(argument: _vault_v1_ListPartnersRequest, callback: grpc.requestCallback<_vault_v1_ListPartnersResponse__Output>): grpc.ClientUnaryCall;
  listPartners(argument: _vault_v1_ListPartnersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_ListPartnersResponse__Output>): grpc.ClientUnaryCall;
  listPartners(argument: _vault_v1_ListPartnersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_ListPartnersResponse__Output>): grpc.ClientUnaryCall;
  listPartners(argument: _vault_v1_ListPartnersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_ListPartnersResponse__Output>): grpc.ClientUnaryCall;
  listPartners(argument: _vault_v1_ListPartnersRequest, callback: grpc.requestCallback<_vault_v1_ListPartnersResponse__Output>): grpc.ClientUnaryCall;
  
  ListProcessors(argument: _vault_v1_ListProcessorsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_ListProcessorsResponse__Output>): grpc.ClientUnaryCall;
  ListProcessors(argument: _vault_v1_ListProcessorsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_ListProcessorsResponse__Output>): grpc.ClientUnaryCall;
  ListProcessors(argument: _vault_v1_ListProcessorsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_ListProcessorsResponse__Output>): grpc.ClientUnaryCall;
  ListProcessors(argument: _vault_v1_ListProcessorsRequest, callback: grpc.requestCallback<_vault_v1_ListProcessorsResponse__Output>): grpc.ClientUnaryCall;
  listProcessors(argument: _vault_v1_ListProcessorsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_ListProcessorsResponse__Output>): grpc.ClientUnaryCall;
  listProcessors(argument: _vault_v1_ListProcessorsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_ListProcessorsResponse__Output>): grpc.ClientUnaryCall;
  listProcessors(argument: _vault_v1_ListProcessorsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_ListProcessorsResponse__Output>): grpc.ClientUnaryCall;
  listProcessors(argument: _vault_v1_ListProcessorsRequest, callback: grpc.requestCallback<_vault_v1_ListProcessorsResponse__Output>): grpc.ClientUnaryCall;
  
  PutPartner(argument: _vault_v1_PutPartnerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_Partner__Output>): grpc.ClientUnaryCall;
  PutPartner(argument: _vault_v1_PutPartnerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_Partner__Output>): grpc.ClientUnaryCall;
  PutPartner(argument: _vault_v1_PutPartnerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_Partner__Output>): grpc.ClientUnaryCall;
  PutPartner(argument: _vault_v1_PutPartnerRequest, callback: grpc.requestCallback<_vault_v1_Partner__Output>): grpc.ClientUnaryCall;
  putPartner(argument: _vault_v1_PutPartnerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_Partner__Output>): grpc.ClientUnaryCall;
  putPartner(argument: _vault_v1_PutPartnerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_Partner__Output>): grpc.ClientUnaryCall;
  putPartner(argument: _vault_v1_PutPartnerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_Partner__Output>): grpc.ClientUnaryCall;
  putPartner(argument: _vault_v1_PutPartnerRequest, callback: grpc.requestCallback<_vault_v1_Partner__Output>): grpc.ClientUnaryCall;
  
  PutProcessor(argument: _vault_v1_PutProcessorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_Processor__Output>): grpc.ClientUnaryCall;
  PutProcessor(argument: _vault_v1_PutProcessorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_Processor__Output>): grpc.ClientUnaryCall;
  PutProcessor(argument: _vault_v1_PutProcessorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_Processor__Output>): grpc.ClientUnaryCall;
  PutProcessor(argument: _vault_v1_PutProcessorRequest, callback: grpc.requestCallback<_vault_v1_Processor__Output>): grpc.ClientUnaryCall;
  putProcessor(argument: _vault_v1_PutProcessorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_Processor__Output>): grpc.ClientUnaryCall;
  putProcessor(argument: _vault_v1_PutProcessorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_Processor__Output>): grpc.ClientUnaryCall;
  putProcessor(argument: _vault_v1_PutProcessorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_Processor__Output>): grpc.ClientUnaryCall;
  putProcessor(argument: _vault_v1_PutProcessorRequest, callback: grpc.requestCallback<_vault_v1_Processor__Output>): grpc.ClientUnaryCall;
  
  RedeemPaymentToken(argument: _vault_v1_RedeemPaymentTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_RedeemPaymentTokenResponse__Output>): grpc.ClientUnaryCall;
  RedeemPaymentToken(argument: _vault_v1_RedeemPaymentTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_RedeemPaymentTokenResponse__Output>): grpc.ClientUnaryCall;
  RedeemPaymentToken(argument: _vault_v1_RedeemPaymentTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_RedeemPaymentTokenResponse__Output>): grpc.ClientUnaryCall;
  RedeemPaymentToken(argument: _vault_v1_RedeemPaymentTokenRequest, callback: grpc.requestCallback<_vault_v1_RedeemPaymentTokenResponse__Output>): grpc.ClientUnaryCall;
  redeemPaymentToken(argument: _vault_v1_RedeemPaymentTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_RedeemPaymentTokenResponse__Output>): grpc.ClientUnaryCall;
  redeemPaymentToken(argument: _vault_v1_RedeemPaymentTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_RedeemPaymentTokenResponse__Output>): grpc.ClientUnaryCall;
  redeemPaymentToken(argument: _vault_v1_RedeemPaymentTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_RedeemPaymentTokenResponse__Output>): grpc.ClientUnaryCall;
  redeemPaymentToken(argument: _vault_v1_RedeemPaymentTokenRequest, callback: grpc.requestCallback<_vault_v1_RedeemPaymentTokenResponse__Output>): grpc.ClientUnaryCall;
  
  RefuseCardExport(argument: _vault_v1_CardExportIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  RefuseCardExport(argument: _vault_v1_CardExportIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  RefuseCardExport(argument: _vault_v1_CardExportIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  RefuseCardExport(argument: _vault_v1_CardExportIdRequest, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  refuseCardExport(argument: _vault_v1_CardExportIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  refuseCardExport(argument: _vault_v1_CardExportIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  refuseCardExport(argument: _vault_v1_CardExportIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  refuseCardExport(argument: _vault_v1_CardExportIdRequest, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  
  RequestCardExport(argument: _vault_v1_RequestCardExportRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  RequestCardExport(argument: _vault_v1_RequestCardExportRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  RequestCardExport(argument: _vault_v1_RequestCardExportRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  RequestCardExport(argument: _vault_v1_RequestCardExportRequest, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  requestCardExport(argument: _vault_v1_RequestCardExportRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  requestCardExport(argument: _vault_v1_RequestCardExportRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  requestCardExport(argument: _vault_v1_RequestCardExportRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  requestCardExport(argument: _vault_v1_RequestCardExportRequest, callback: grpc.requestCallback<_vault_v1_CardExport__Output>): grpc.ClientUnaryCall;
  
  SetGroupPaymentSettings(argument: _vault_v1_SetGroupPaymentSettingsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_GroupPaymentSettings__Output>): grpc.ClientUnaryCall;
  SetGroupPaymentSettings(argument: _vault_v1_SetGroupPaymentSettingsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_GroupPaymentSettings__Output>): grpc.ClientUnaryCall;
  SetGroupPaymentSettings(argument: _vault_v1_SetGroupPaymentSettingsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_GroupPaymentSettings__Output>): grpc.ClientUnaryCall;
  SetGroupPaymentSettings(argument: _vault_v1_SetGroupPaymentSettingsRequest, callback: grpc.requestCallback<_vault_v1_GroupPaymentSettings__Output>): grpc.ClientUnaryCall;
  setGroupPaymentSettings(argument: _vault_v1_SetGroupPaymentSettingsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_GroupPaymentSettings__Output>): grpc.ClientUnaryCall;
  setGroupPaymentSettings(argument: _vault_v1_SetGroupPaymentSettingsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_GroupPaymentSettings__Output>): grpc.ClientUnaryCall;
  setGroupPaymentSettings(argument: _vault_v1_SetGroupPaymentSettingsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_GroupPaymentSettings__Output>): grpc.ClientUnaryCall;
  setGroupPaymentSettings(argument: _vault_v1_SetGroupPaymentSettingsRequest, callback: grpc.requestCallback<_vault_v1_GroupPaymentSettings__Output>): grpc.ClientUnaryCall;
  
  SetTenantPaymentSettings(argument: _vault_v1_SetTenantPaymentSettingsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_TenantPaymentSettings__Output>): grpc.ClientUnaryCall;
  SetTenantPaymentSettings(argument: _vault_v1_SetTenantPaymentSettingsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_TenantPaymentSettings__Output>): grpc.ClientUnaryCall;
  SetTenantPaymentSettings(argument: _vault_v1_SetTenantPaymentSettingsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_TenantPaymentSettings__Output>): grpc.ClientUnaryCall;
  SetTenantPaymentSettings(argument: _vault_v1_SetTenantPaymentSettingsRequest, callback: grpc.requestCallback<_vault_v1_TenantPaymentSettings__Output>): grpc.ClientUnaryCall;
  setTenantPaymentSettings(argument: _vault_v1_SetTenantPaymentSettingsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_TenantPaymentSettings__Output>): grpc.ClientUnaryCall;
  setTenantPaymentSettings(argument: _vault_v1_SetTenantPaymentSettingsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_TenantPaymentSettings__Output>): grpc.ClientUnaryCall;
  setTenantPaymentSettings(argument: _vault_v1_SetTenantPaymentSettingsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_TenantPaymentSettings__Output>): grpc.ClientUnaryCall;
  setTenantPaymentSettings(argument: _vault_v1_SetTenantPaymentSettingsRequest, callback: grpc.requestCallback<_vault_v1_TenantPaymentSettings__Output>): grpc.ClientUnaryCall;
  
  UpdateBillingProfile(argument: _vault_v1_UpdateBillingProfileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_BillingProfile__Output>): grpc.ClientUnaryCall;
  UpdateBillingProfile(argument: _vault_v1_UpdateBillingProfileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_BillingProfile__Output>): grpc.ClientUnaryCall;
  UpdateBillingProfile(argument: _vault_v1_UpdateBillingProfileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_BillingProfile__Output>): grpc.ClientUnaryCall;
  UpdateBillingProfile(argument: _vault_v1_UpdateBillingProfileRequest, callback: grpc.requestCallback<_vault_v1_BillingProfile__Output>): grpc.ClientUnaryCall;
  updateBillingProfile(argument: _vault_v1_UpdateBillingProfileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_BillingProfile__Output>): grpc.ClientUnaryCall;
  updateBillingProfile(argument: _vault_v1_UpdateBillingProfileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_BillingProfile__Output>): grpc.ClientUnaryCall;
  updateBillingProfile(argument: _vault_v1_UpdateBillingProfileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_BillingProfile__Output>): grpc.ClientUnaryCall;
  updateBillingProfile(argument: _vault_v1_UpdateBillingProfileRequest, callback: grpc.requestCallback<_vault_v1_BillingProfile__Output>): grpc.ClientUnaryCall;
  
  UpdateCard(argument: _vault_v1_UpdateCardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_Card__Output>): grpc.ClientUnaryCall;
  UpdateCard(argument: _vault_v1_UpdateCardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_Card__Output>): grpc.ClientUnaryCall;
  UpdateCard(argument: _vault_v1_UpdateCardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_Card__Output>): grpc.ClientUnaryCall;
  UpdateCard(argument: _vault_v1_UpdateCardRequest, callback: grpc.requestCallback<_vault_v1_Card__Output>): grpc.ClientUnaryCall;
  updateCard(argument: _vault_v1_UpdateCardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_Card__Output>): grpc.ClientUnaryCall;
  updateCard(argument: _vault_v1_UpdateCardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_vault_v1_Card__Output>): grpc.ClientUnaryCall;
  updateCard(argument: _vault_v1_UpdateCardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_vault_v1_Card__Output>): grpc.ClientUnaryCall;
  updateCard(argument: _vault_v1_UpdateCardRequest, callback: grpc.requestCallback<_vault_v1_Card__Output>): grpc.ClientUnaryCall;
  
}

export interface VaultHandlers extends grpc.UntypedServiceImplementation {
  ApproveCardExport: grpc.handleUnaryCall<_vault_v1_CardExportIdRequest__Output, _vault_v1_CardExport>;
  
  CreateBillingProfile: grpc.handleUnaryCall<_vault_v1_CreateBillingProfileRequest__Output, _vault_v1_BillingProfile>;
  
  CreateCardSession: grpc.handleUnaryCall<_vault_v1_CreateCardSessionRequest__Output, _vault_v1_CreateCardSessionResponse>;
  
  CreatePaymentSession: grpc.handleUnaryCall<_vault_v1_CreatePaymentSessionRequest__Output, _vault_v1_CreatePaymentSessionResponse>;
  
  DeleteBillingProfile: grpc.handleUnaryCall<_vault_v1_DeleteBillingProfileRequest__Output, _vault_v1_DeleteBillingProfileResponse>;
  
  DeleteCard: grpc.handleUnaryCall<_vault_v1_DeleteCardRequest__Output, _vault_v1_DeleteCardResponse>;
  
  EraseUserData: grpc.handleUnaryCall<_vault_v1_EraseUserDataRequest__Output, _vault_v1_EraseUserDataResponse>;
  
  GetBillingProfile: grpc.handleUnaryCall<_vault_v1_GetBillingProfileRequest__Output, _vault_v1_BillingProfile>;
  
  GetCard: grpc.handleUnaryCall<_vault_v1_GetCardRequest__Output, _vault_v1_Card>;
  
  GetCardExport: grpc.handleUnaryCall<_vault_v1_CardExportIdRequest__Output, _vault_v1_CardExport>;
  
  GetPaymentSession: grpc.handleUnaryCall<_vault_v1_GetPaymentSessionRequest__Output, _vault_v1_PaymentSession>;
  
  GetPaymentSettings: grpc.handleUnaryCall<_vault_v1_GetPaymentSettingsRequest__Output, _vault_v1_EffectivePaymentSettings>;
  
  IssuePaymentToken: grpc.handleUnaryCall<_vault_v1_IssuePaymentTokenRequest__Output, _vault_v1_IssuePaymentTokenResponse>;
  
  ListBillingProfiles: grpc.handleUnaryCall<_vault_v1_ListBillingProfilesRequest__Output, _vault_v1_ListBillingProfilesResponse>;
  
  ListCards: grpc.handleUnaryCall<_vault_v1_ListCardsRequest__Output, _vault_v1_ListCardsResponse>;
  
  ListPartners: grpc.handleUnaryCall<_vault_v1_ListPartnersRequest__Output, _vault_v1_ListPartnersResponse>;
  
  ListProcessors: grpc.handleUnaryCall<_vault_v1_ListProcessorsRequest__Output, _vault_v1_ListProcessorsResponse>;
  
  PutPartner: grpc.handleUnaryCall<_vault_v1_PutPartnerRequest__Output, _vault_v1_Partner>;
  
  PutProcessor: grpc.handleUnaryCall<_vault_v1_PutProcessorRequest__Output, _vault_v1_Processor>;
  
  RedeemPaymentToken: grpc.handleUnaryCall<_vault_v1_RedeemPaymentTokenRequest__Output, _vault_v1_RedeemPaymentTokenResponse>;
  
  RefuseCardExport: grpc.handleUnaryCall<_vault_v1_CardExportIdRequest__Output, _vault_v1_CardExport>;
  
  RequestCardExport: grpc.handleUnaryCall<_vault_v1_RequestCardExportRequest__Output, _vault_v1_CardExport>;
  
  SetGroupPaymentSettings: grpc.handleUnaryCall<_vault_v1_SetGroupPaymentSettingsRequest__Output, _vault_v1_GroupPaymentSettings>;
  
  SetTenantPaymentSettings: grpc.handleUnaryCall<_vault_v1_SetTenantPaymentSettingsRequest__Output, _vault_v1_TenantPaymentSettings>;
  
  UpdateBillingProfile: grpc.handleUnaryCall<_vault_v1_UpdateBillingProfileRequest__Output, _vault_v1_BillingProfile>;
  
  UpdateCard: grpc.handleUnaryCall<_vault_v1_UpdateCardRequest__Output, _vault_v1_Card>;
  
}

export interface VaultDefinition extends grpc.ServiceDefinition {
  ApproveCardExport: MethodDefinition<_vault_v1_CardExportIdRequest, _vault_v1_CardExport, _vault_v1_CardExportIdRequest__Output, _vault_v1_CardExport__Output>
  CreateBillingProfile: MethodDefinition<_vault_v1_CreateBillingProfileRequest, _vault_v1_BillingProfile, _vault_v1_CreateBillingProfileRequest__Output, _vault_v1_BillingProfile__Output>
  CreateCardSession: MethodDefinition<_vault_v1_CreateCardSessionRequest, _vault_v1_CreateCardSessionResponse, _vault_v1_CreateCardSessionRequest__Output, _vault_v1_CreateCardSessionResponse__Output>
  CreatePaymentSession: MethodDefinition<_vault_v1_CreatePaymentSessionRequest, _vault_v1_CreatePaymentSessionResponse, _vault_v1_CreatePaymentSessionRequest__Output, _vault_v1_CreatePaymentSessionResponse__Output>
  DeleteBillingProfile: MethodDefinition<_vault_v1_DeleteBillingProfileRequest, _vault_v1_DeleteBillingProfileResponse, _vault_v1_DeleteBillingProfileRequest__Output, _vault_v1_DeleteBillingProfileResponse__Output>
  DeleteCard: MethodDefinition<_vault_v1_DeleteCardRequest, _vault_v1_DeleteCardResponse, _vault_v1_DeleteCardRequest__Output, _vault_v1_DeleteCardResponse__Output>
  EraseUserData: MethodDefinition<_vault_v1_EraseUserDataRequest, _vault_v1_EraseUserDataResponse, _vault_v1_EraseUserDataRequest__Output, _vault_v1_EraseUserDataResponse__Output>
  GetBillingProfile: MethodDefinition<_vault_v1_GetBillingProfileRequest, _vault_v1_BillingProfile, _vault_v1_GetBillingProfileRequest__Output, _vault_v1_BillingProfile__Output>
  GetCard: MethodDefinition<_vault_v1_GetCardRequest, _vault_v1_Card, _vault_v1_GetCardRequest__Output, _vault_v1_Card__Output>
  GetCardExport: MethodDefinition<_vault_v1_CardExportIdRequest, _vault_v1_CardExport, _vault_v1_CardExportIdRequest__Output, _vault_v1_CardExport__Output>
  GetPaymentSession: MethodDefinition<_vault_v1_GetPaymentSessionRequest, _vault_v1_PaymentSession, _vault_v1_GetPaymentSessionRequest__Output, _vault_v1_PaymentSession__Output>
  GetPaymentSettings: MethodDefinition<_vault_v1_GetPaymentSettingsRequest, _vault_v1_EffectivePaymentSettings, _vault_v1_GetPaymentSettingsRequest__Output, _vault_v1_EffectivePaymentSettings__Output>
  IssuePaymentToken: MethodDefinition<_vault_v1_IssuePaymentTokenRequest, _vault_v1_IssuePaymentTokenResponse, _vault_v1_IssuePaymentTokenRequest__Output, _vault_v1_IssuePaymentTokenResponse__Output>
  ListBillingProfiles: MethodDefinition<_vault_v1_ListBillingProfilesRequest, _vault_v1_ListBillingProfilesResponse, _vault_v1_ListBillingProfilesRequest__Output, _vault_v1_ListBillingProfilesResponse__Output>
  ListCards: MethodDefinition<_vault_v1_ListCardsRequest, _vault_v1_ListCardsResponse, _vault_v1_ListCardsRequest__Output, _vault_v1_ListCardsResponse__Output>
  ListPartners: MethodDefinition<_vault_v1_ListPartnersRequest, _vault_v1_ListPartnersResponse, _vault_v1_ListPartnersRequest__Output, _vault_v1_ListPartnersResponse__Output>
  ListProcessors: MethodDefinition<_vault_v1_ListProcessorsRequest, _vault_v1_ListProcessorsResponse, _vault_v1_ListProcessorsRequest__Output, _vault_v1_ListProcessorsResponse__Output>
  PutPartner: MethodDefinition<_vault_v1_PutPartnerRequest, _vault_v1_Partner, _vault_v1_PutPartnerRequest__Output, _vault_v1_Partner__Output>
  PutProcessor: MethodDefinition<_vault_v1_PutProcessorRequest, _vault_v1_Processor, _vault_v1_PutProcessorRequest__Output, _vault_v1_Processor__Output>
  RedeemPaymentToken: MethodDefinition<_vault_v1_RedeemPaymentTokenRequest, _vault_v1_RedeemPaymentTokenResponse, _vault_v1_RedeemPaymentTokenRequest__Output, _vault_v1_RedeemPaymentTokenResponse__Output>
  RefuseCardExport: MethodDefinition<_vault_v1_CardExportIdRequest, _vault_v1_CardExport, _vault_v1_CardExportIdRequest__Output, _vault_v1_CardExport__Output>
  RequestCardExport: MethodDefinition<_vault_v1_RequestCardExportRequest, _vault_v1_CardExport, _vault_v1_RequestCardExportRequest__Output, _vault_v1_CardExport__Output>
  SetGroupPaymentSettings: MethodDefinition<_vault_v1_SetGroupPaymentSettingsRequest, _vault_v1_GroupPaymentSettings, _vault_v1_SetGroupPaymentSettingsRequest__Output, _vault_v1_GroupPaymentSettings__Output>
  SetTenantPaymentSettings: MethodDefinition<_vault_v1_SetTenantPaymentSettingsRequest, _vault_v1_TenantPaymentSettings, _vault_v1_SetTenantPaymentSettingsRequest__Output, _vault_v1_TenantPaymentSettings__Output>
  UpdateBillingProfile: MethodDefinition<_vault_v1_UpdateBillingProfileRequest, _vault_v1_BillingProfile, _vault_v1_UpdateBillingProfileRequest__Output, _vault_v1_BillingProfile__Output>
  UpdateCard: MethodDefinition<_vault_v1_UpdateCardRequest, _vault_v1_Card, _vault_v1_UpdateCardRequest__Output, _vault_v1_Card__Output>
}
