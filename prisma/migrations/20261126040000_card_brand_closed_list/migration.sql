-- `cards.brand` becomes a closed list (hand-written: Prisma has no syntax for CHECK constraints). The list is
-- services/vault/src/cards/card-brand.ts's BRANDS, which names every network of Braintree's credit-card-type;
-- test/integration/card-brands.test.ts fails when the two differ. A CHECK rather than a PostgreSQL enum: adding a
-- network later is one migration that swaps the constraint, with no `ALTER TYPE … ADD VALUE` (which cannot be
-- used in the transaction that adds it) and no casts in the raw SQL and the vault_store_card function, which
-- pass the brand as text. Rows stored before keep their brand: every earlier value is in the list. A card the
-- old hand-written table labelled wrongly (e.g. UnionPay 622126–622925 as discover) keeps that label: storing
-- the same card again updates expiry and name only. Relabelling them needs the PAN, i.e. a job that decrypts
-- every card (the key rotation job does; not done here).
-- The check of existing rows runs inside the migration's transaction (the migrator applies a file as one),
-- holding the table's lock while it scans: on a large "cards" table, apply it in a quiet window.
ALTER TABLE "cards" ADD CONSTRAINT "cards_brand_known" CHECK ("brand" IN (
    'visa', 'mastercard', 'amex', 'discover', 'jcb', 'diners', 'unionpay', 'maestro', 'mir', 'elo', 'hiper',
    'hipercard', 'troy', 'verve', 'naranja', 'unknown'
));
