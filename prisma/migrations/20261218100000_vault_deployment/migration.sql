-- The deployment's id (issue 25): made once, at random, when this migration runs, and read by every vault on this
-- database at start-up. The vault puts it in front of every Redis key it writes (unless VAULT_REDIS_KEY_PREFIX
-- says otherwise), so vaults on different databases sharing one Redis never touch each other's tokens, limits,
-- sessions or revocation epochs, and every vault on this database shares its keys. 16 hex digits: 64 random bits.
-- CreateTable
CREATE TABLE "vault_deployment" (
    "id" TEXT NOT NULL DEFAULT substr(md5(gen_random_uuid()::text), 1, 16),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "vault_deployment_pkey" PRIMARY KEY ("id"),
    -- What VAULT_REDIS_KEY_PREFIX accepts: an id set by hand is a valid namespace too.
    CONSTRAINT "vault_deployment_id_shape" CHECK ("id" ~ '^[A-Za-z0-9_-]{1,32}$')
);

-- One row at most: a database is one deployment.
CREATE UNIQUE INDEX "vault_deployment_one_row" ON "vault_deployment" ((true));

INSERT INTO "vault_deployment" DEFAULT VALUES;
