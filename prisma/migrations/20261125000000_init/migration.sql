-- CreateTable
CREATE TABLE "tenants" (
    "id" TEXT NOT NULL,
    "payments_enabled" BOOLEAN NOT NULL DEFAULT true,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tenant_groups" (
    "tenant_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "payments_enabled" BOOLEAN NOT NULL DEFAULT true,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenant_groups_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "billing_profiles" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "ciphertext" BYTEA NOT NULL,
    "key_version" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "billing_profiles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cards" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "billing_profile_id" TEXT,
    "brand" TEXT NOT NULL,
    "bin" TEXT NOT NULL,
    "last4" TEXT NOT NULL,
    "exp_month" INTEGER NOT NULL,
    "exp_year" INTEGER NOT NULL,
    "cardholder_name" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "fingerprint_key_version" TEXT NOT NULL,
    "ciphertext" BYTEA NOT NULL,
    "key_version" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cards_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "card_entry_sessions" (
    "id" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "group_id" TEXT,
    "billing_profile_id" TEXT,
    "created_by" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "card_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "card_entry_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "chain" INTEGER NOT NULL,
    "seq" BIGINT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "actor_service" TEXT NOT NULL,
    "user_id" TEXT,
    "tenant_id" TEXT,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "outcome" TEXT NOT NULL,
    "request_id" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_chain_heads" (
    "chain" INTEGER NOT NULL,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_chain_heads_pkey" PRIMARY KEY ("chain")
);

-- CreateIndex
CREATE INDEX "billing_profiles_tenant_id_user_id_idx" ON "billing_profiles"("tenant_id", "user_id");

-- CreateIndex
CREATE INDEX "cards_tenant_id_user_id_idx" ON "cards"("tenant_id", "user_id");

-- CreateIndex
CREATE INDEX "cards_billing_profile_id_idx" ON "cards"("billing_profile_id");

-- CreateIndex
CREATE UNIQUE INDEX "cards_tenant_id_user_id_fingerprint_key" ON "cards"("tenant_id", "user_id", "fingerprint");

-- CreateIndex
CREATE UNIQUE INDEX "card_entry_sessions_secret_hash_key" ON "card_entry_sessions"("secret_hash");

-- CreateIndex
CREATE INDEX "audit_events_tenant_id_occurred_at_idx" ON "audit_events"("tenant_id", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_chain_seq_key" ON "audit_events"("chain", "seq");

-- AddForeignKey
ALTER TABLE "tenant_groups" ADD CONSTRAINT "tenant_groups_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cards" ADD CONSTRAINT "cards_billing_profile_id_fkey" FOREIGN KEY ("billing_profile_id") REFERENCES "billing_profiles"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Audit chain (hand-written: Prisma has no syntax for triggers).
-- The application inserts (chain, occurred_at, ..., body); the trigger, holding the chain head's row lock,
-- assigns seq and prev_hash and computes hash = sha256(prev_hash || body) as lowercase hex. `body` is the
-- canonical JSON of the event, written by the application; `npm run audit:verify` recomputes the chain
-- and checks every column against `body`.
CREATE FUNCTION "audit_events_chain"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head RECORD;
BEGIN
    INSERT INTO "audit_chain_heads" ("chain", "seq", "hash")
        VALUES (NEW."chain", 0, repeat('0', 64))
        ON CONFLICT ("chain") DO NOTHING;
    SELECT "seq", "hash" INTO head FROM "audit_chain_heads" WHERE "chain" = NEW."chain" FOR UPDATE;
    NEW."seq" := head."seq" + 1;
    NEW."prev_hash" := head."hash";
    NEW."hash" := encode(sha256(convert_to(head."hash" || NEW."body", 'UTF8')), 'hex');
    UPDATE "audit_chain_heads" SET "seq" = NEW."seq", "hash" = NEW."hash" WHERE "chain" = NEW."chain";
    RETURN NEW;
END;
$$;

CREATE TRIGGER "audit_events_chain" BEFORE INSERT ON "audit_events"
    FOR EACH ROW EXECUTE FUNCTION "audit_events_chain"();

CREATE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "audit_events_append_only" BEFORE UPDATE OR DELETE ON "audit_events"
    FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"();

CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"();

CREATE TRIGGER "audit_chain_heads_no_delete" BEFORE DELETE OR TRUNCATE ON "audit_chain_heads"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"();
