-- Card export under dual control (PCI DSS 3.6.1.2, split knowledge): one admin requests an export of a tenant (or
-- one user) to a recipient's OpenPGP public key; a different admin approves it; only then may the export job
-- write the file, once. An unapproved request expires.
CREATE TABLE "export_requests" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "user_id" TEXT,
    "recipient_fingerprint" TEXT NOT NULL,
    "recipient_key" TEXT NOT NULL,
    "requested_by" TEXT NOT NULL,
    "approved_by" TEXT,
    "status" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    CONSTRAINT "export_requests_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "export_requests_status_known" CHECK ("status" IN ('pending', 'approved', 'refused', 'exporting', 'completed')),
    CONSTRAINT "export_requests_two_people" CHECK ("approved_by" IS NULL OR "approved_by" <> "requested_by")
);
CREATE INDEX "export_requests_tenant_id_idx" ON "export_requests"("tenant_id");
