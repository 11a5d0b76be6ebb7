import { z } from 'zod';
import { COUNTRY_CODES } from './country-codes.ts';

/** Printable text without control characters; bounded so nothing unbounded reaches the encryptor. */
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !/[\p{Cc}\p{Cf}]/u.test(s), { params: { code: 'invalid_characters' } });

export const billingAddressSchema = z
  .object({
    name: text(200),
    line1: text(200),
    line2: text(200).optional(),
    city: text(100),
    region: text(100).optional(),
    postalCode: text(20),
    country: z.string().refine((c) => COUNTRY_CODES.has(c), { params: { code: 'country_invalid' } }),
    email: z.email().max(254).optional(),
    phone: z.string().regex(/^\+?[0-9][0-9 ()-]{3,24}$/).optional(),
  })
  .strict();

export type BillingAddress = z.infer<typeof billingAddressSchema>;

export const billingProfilePatchSchema = billingAddressSchema
  .partial()
  .extend({
    line2: text(200).nullable().optional(),
    region: text(100).nullable().optional(),
    email: z.email().max(254).nullable().optional(),
    phone: z.string().regex(/^\+?[0-9][0-9 ()-]{3,24}$/).nullable().optional(),
  })
  .strict();

export type BillingProfilePatch = z.infer<typeof billingProfilePatchSchema>;

export const resourceId = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[A-Za-z0-9_-]{22}$`));
