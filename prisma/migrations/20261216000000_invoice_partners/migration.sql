-- Invoice partners (Xero, FreshBooks…): the public signature keys their signed invoices are verified with.
-- CreateTable
CREATE TABLE "invoice_partners" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "keys" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "invoice_partners_pkey" PRIMARY KEY ("id")
);
