-- Payment sessions (issue 23, part 2): the payment flow opens one for a card, a processor and a partner-signed
-- invoice; the pay form confirms it with the security code (which is never stored). The secret is kept as its
-- SHA-256 only; the invoice as the partner signed it (not secret: it is what the user is shown).
-- CreateTable
CREATE TABLE "payment_sessions" (
    "id" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "group_id" TEXT,
    "card_id" TEXT NOT NULL,
    "processor_id" TEXT NOT NULL,
    "partner_id" TEXT NOT NULL,
    "invoice_id" TEXT NOT NULL,
    "invoice" JSONB NOT NULL,
    "invoice_jws" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'open',
    "failed_code" TEXT,
    "cvc_failures" INTEGER NOT NULL DEFAULT 0,
    "token_id" TEXT,
    "token_expires_at" TIMESTAMPTZ(3),
    "confirmed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "payment_sessions_secret_hash_key" ON "payment_sessions"("secret_hash");

-- CreateIndex
CREATE INDEX "payment_sessions_tenant_id_user_id_expires_at_idx" ON "payment_sessions"("tenant_id", "user_id", "expires_at");

-- One invoice (partner + invoice id) is paid at most once per user (issue 23, part 5): a confirm claims this row in
-- its transaction; a claim whose token expired unredeemed may be taken again, a redeemed one never.
-- CreateTable
CREATE TABLE "invoice_payments" (
    "tenant_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "partner_id" TEXT NOT NULL,
    "invoice_id" TEXT NOT NULL,
    "session_id" TEXT NOT NULL,
    "token_id" TEXT NOT NULL,
    "token_expires_at" TIMESTAMPTZ(3) NOT NULL,
    "redeemed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "invoice_payments_pkey" PRIMARY KEY ("tenant_id", "user_id", "partner_id", "invoice_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "invoice_payments_token_id_key" ON "invoice_payments"("token_id");
