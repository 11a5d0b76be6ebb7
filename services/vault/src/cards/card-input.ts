import { z } from 'zod';
import { billingAddressSchema, resourceId } from '../billing-profiles/billing-profile-input.ts';

const cardholderName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((s) => !/[\p{Cc}\p{Cf}]/u.test(s), { params: { code: 'invalid_characters' } });

const month = z.number().int();
const year = z.number().int();

/**
 * `POST /v1/cards`. The number must be a JSON string (a JSON number loses digits and leading zeros); its
 * content is checked by `parsePan`, which answers 422, after this structural check, which answers 400.
 */
export const createCardSchema = z
  .object({
    number: z.string().max(64),
    expMonth: month,
    expYear: year,
    cardholderName,
    billingProfileId: resourceId('bp_').optional(),
    billingAddress: billingAddressSchema.optional(),
  })
  .strict()
  .refine((c) => !(c.billingProfileId && c.billingAddress), {
    path: ['billingAddress'],
    params: { code: 'conflicts_with_billingProfileId' },
  });

export type CreateCardInput = z.infer<typeof createCardSchema>;

/** `PATCH /v1/cards/{id}`: the PAN cannot change. `billingProfileId: null` detaches the profile. */
export const patchCardSchema = z
  .object({
    expMonth: month.optional(),
    expYear: year.optional(),
    cardholderName: cardholderName.optional(),
    billingProfileId: resourceId('bp_').nullable().optional(),
  })
  .strict()
  .refine((p) => (p.expMonth === undefined) === (p.expYear === undefined), {
    path: ['expYear'],
    params: { code: 'expMonth_and_expYear_together' },
  });

export type PatchCardInput = z.infer<typeof patchCardSchema>;

export const cardIdSchema = resourceId('card_');

/**
 * `GET /v1/cards?limit&startingAfter`: cursor paging in creation order. `limit` 1–100 (default 20);
 * `startingAfter` the id of the last card of the previous page.
 */
export const listCardsQuerySchema = z
  .object({
    limit: z
      .string()
      .refine((text) => /^[1-9][0-9]{0,2}$/.test(text) && Number(text) <= 100, { params: { code: 'invalid_limit' } })
      .transform(Number)
      .optional(),
    startingAfter: z.string().max(64).optional(),
  })
  .strict();

export const DEFAULT_PAGE_SIZE = 20;
