-- CreateTable
CREATE TABLE "key_versions" (
    "purpose" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "retired_at" TIMESTAMPTZ(3),

    CONSTRAINT "key_versions_pkey" PRIMARY KEY ("purpose","version")
);

-- CreateTable
CREATE TABLE "rotation_runs" (
    "id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "dry_run" BOOLEAN NOT NULL,
    "target_key_version" TEXT NOT NULL,
    "target_fingerprint_version" TEXT NOT NULL,
    "changed" INTEGER NOT NULL DEFAULT 0,
    "retried" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "rotation_runs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex: the rotation job looks for rows not yet on the current key.
CREATE INDEX "cards_key_version_idx" ON "cards"("key_version");

-- CreateIndex
CREATE INDEX "billing_profiles_key_version_idx" ON "billing_profiles"("key_version");
