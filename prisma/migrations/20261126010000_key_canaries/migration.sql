-- One canary per key version, written when that version first became current: an ESDK message of a fixed
-- plaintext (wrapping keys) or an HMAC of a fixed text (fingerprint keys). At start-up every loaded key must
-- open (or reproduce) its canary, so a vault given keys that are not the ones its data was written with
-- refuses to start instead of answering 500 on the first card it cannot open.
CREATE TABLE "key_canaries" (
    "purpose" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "canary" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "key_canaries_pkey" PRIMARY KEY ("purpose","version")
);
