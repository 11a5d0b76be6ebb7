-- Single use and revocation that survive a Redis failover (issue 25). Redis replication is asynchronous: a replica
-- promoted after its master died may lack writes the master acknowledged — a token's claim, an epoch's bump. So
-- both become durable here, in the same transactions as what they record.

-- One row per released token, inserted in the redeem's audit transaction: a second release of the same token
-- cannot commit, whatever Redis remembers. `redemption_id` is the processor's own id for the redemption (a retry
-- with it gets the same answer); rows are purged once their token has expired.
-- CreateTable
CREATE TABLE "token_redemptions" (
    "token_id" TEXT NOT NULL,
    "processor_id" TEXT NOT NULL,
    "redemption_id" TEXT,
    "tenant_id" TEXT NOT NULL,
    "redeemed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "token_expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "token_redemptions_pkey" PRIMARY KEY ("token_id")
);

-- CreateIndex
CREATE INDEX "token_redemptions_token_expires_at_idx" ON "token_redemptions"("token_expires_at");

-- Revocation epochs: bumped in the transaction of the change that revokes (card deleted, payments switched off,
-- processor disabled, user erased); a token records the epochs of its scopes when issued and redeems only while
-- none moved. `scope` is the scope as JSON (`["card","<tenant>","<user>","<card>"]`).
-- CreateTable
CREATE TABLE "revocation_epochs" (
    "scope" TEXT NOT NULL,
    "epoch" BIGINT NOT NULL,
    "bumped_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "revocation_epochs_pkey" PRIMARY KEY ("scope")
);
