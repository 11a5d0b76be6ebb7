-- Card import (issue 14): the vault's OpenPGP import keys (private key sealed by the vault's envelope like every
-- other secret, registered as an encrypted record type so key rotation re-encrypts it) and the progress of each
-- import run, so an import killed anywhere resumes after its last committed row.
CREATE TABLE "import_keys" (
    "id" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "public_key" TEXT NOT NULL,
    "ciphertext" BYTEA NOT NULL,
    "key_version" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retired_at" TIMESTAMPTZ(3),
    CONSTRAINT "import_keys_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "import_keys_fingerprint_key" ON "import_keys"("fingerprint");
CREATE INDEX "import_keys_key_version_idx" ON "import_keys"("key_version");

CREATE TABLE "import_runs" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "file_sha256" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "rows_done" INTEGER NOT NULL DEFAULT 0,
    "stored" INTEGER NOT NULL DEFAULT 0,
    "merged" INTEGER NOT NULL DEFAULT 0,
    "refused" INTEGER NOT NULL DEFAULT 0,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "import_runs_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "import_runs_status_known" CHECK ("status" IN ('running', 'completed'))
);
CREATE UNIQUE INDEX "import_runs_tenant_id_file_sha256_key" ON "import_runs"("tenant_id", "file_sha256");
