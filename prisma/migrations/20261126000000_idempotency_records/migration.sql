-- Idempotency records of database writes, committed in the same transaction as the write they describe, so a
-- write and its record can never disagree (a client told 503 finds, with the same key, what happened).
-- The key and request are HMACs; the response is an ESDK message (it may hold a card-entry secret or an address).
CREATE TABLE "idempotency_records" (
    "key" TEXT NOT NULL,
    "request_digest" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "content_type" TEXT NOT NULL,
    "response" BYTEA NOT NULL,
    "key_version" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "idempotency_records_pkey" PRIMARY KEY ("key")
);

-- CreateIndex: the purge deletes by expiry; keys:retire counts live records per key version.
CREATE INDEX "idempotency_records_expires_at_idx" ON "idempotency_records"("expires_at");
CREATE INDEX "idempotency_records_key_version_idx" ON "idempotency_records"("key_version");
