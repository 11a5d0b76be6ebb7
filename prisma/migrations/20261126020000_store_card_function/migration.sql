-- Adding a card from a card-entry session, in one statement (hand-written: Prisma has no syntax for functions).
-- The vault called six statements inside an interactive transaction (lock, upsert, count, consume, audit, and
-- BEGIN/COMMIT): on the vault's 2-core benchmark machine each round trip cost ~0.2 ms of CPU between the vault and
-- PostgreSQL. Called on its own the function is one autocommitted transaction; called inside the vault's
-- transaction (an idempotent request) it commits with the idempotency record. Its semantics are pinned by the
-- card repository contract (test/contract/card-repository.contract.ts), which also runs the in-memory fake.
--
-- Steps, all or nothing:
--   1. serialise card writes of the owner (the same advisory lock key the vault takes: p_lock_key);
--   2. insert the inline billing profile, if any;
--   3. a card under one of the owner's older fingerprints (a fingerprint-key rotation) is moved to the current
--      fingerprint and updated; otherwise insert, or update the owner's card with this fingerprint (a duplicate);
--   4. a new card past p_max_cards: raise VA001 (card_limit_reached), undoing everything;
--   5. consume the session; if another request used it first or it expired: raise VA002 (session_used);
--   6. append the audit event: its body is the vault's canonical JSON with the placeholder target
--      "@@card@@" replaced by the card's id (ids are [A-Za-z0-9_-], so the JSON stays canonical), and the
--      body for a duplicate (reason "duplicate") chosen when the card already existed.
CREATE FUNCTION "vault_store_card"(
    p_lock_key TEXT, p_session_id TEXT, p_now TIMESTAMPTZ(3),
    p_id TEXT, p_tenant_id TEXT, p_user_id TEXT, p_brand TEXT, p_bin TEXT, p_last4 TEXT,
    p_exp_month INTEGER, p_exp_year INTEGER, p_cardholder_name TEXT,
    p_set_billing_profile BOOLEAN, p_billing_profile_id TEXT,
    p_fingerprint TEXT, p_fingerprint_key_version TEXT, p_older_fingerprints TEXT[],
    p_ciphertext BYTEA, p_key_version TEXT,
    p_profile_id TEXT, p_profile_ciphertext BYTEA, p_profile_key_version TEXT,
    p_max_cards INTEGER,
    p_audit_chain INTEGER, p_audit_occurred_at TIMESTAMPTZ(3), p_audit_actor TEXT, p_audit_request_id TEXT,
    p_audit_body_created TEXT, p_audit_body_duplicate TEXT
) RETURNS TABLE ("card" "cards", "created" BOOLEAN) LANGUAGE plpgsql AS $$
DECLARE
    v_card "cards";
    v_created BOOLEAN := false;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(p_lock_key, 0));
    IF p_profile_id IS NOT NULL THEN
        INSERT INTO "billing_profiles" ("id", "tenant_id", "user_id", "ciphertext", "key_version")
            VALUES (p_profile_id, p_tenant_id, p_user_id, p_profile_ciphertext, p_profile_key_version);
    END IF;
    IF cardinality(p_older_fingerprints) > 0 THEN
        UPDATE "cards" SET "exp_month" = p_exp_month, "exp_year" = p_exp_year, "cardholder_name" = p_cardholder_name,
               "billing_profile_id" = CASE WHEN p_set_billing_profile THEN p_billing_profile_id ELSE "billing_profile_id" END,
               "fingerprint" = p_fingerprint, "fingerprint_key_version" = p_fingerprint_key_version,
               "version" = "version" + 1, "updated_at" = CURRENT_TIMESTAMP
         WHERE "id" = (SELECT "id" FROM "cards" WHERE "tenant_id" = p_tenant_id AND "user_id" = p_user_id
                          AND "fingerprint" = ANY (p_older_fingerprints) LIMIT 1)
        RETURNING * INTO v_card;
    END IF;
    IF v_card."id" IS NULL THEN
        INSERT INTO "cards" ("id", "tenant_id", "user_id", "billing_profile_id", "brand", "bin", "last4", "exp_month",
                             "exp_year", "cardholder_name", "fingerprint", "fingerprint_key_version", "ciphertext", "key_version")
            VALUES (p_id, p_tenant_id, p_user_id, CASE WHEN p_set_billing_profile THEN p_billing_profile_id END, p_brand, p_bin,
                    p_last4, p_exp_month, p_exp_year, p_cardholder_name, p_fingerprint, p_fingerprint_key_version, p_ciphertext,
                    p_key_version)
        ON CONFLICT ("tenant_id", "user_id", "fingerprint") DO UPDATE SET
               "exp_month" = p_exp_month, "exp_year" = p_exp_year, "cardholder_name" = p_cardholder_name,
               "billing_profile_id" = CASE WHEN p_set_billing_profile THEN p_billing_profile_id ELSE "cards"."billing_profile_id" END,
               "version" = "cards"."version" + 1, "updated_at" = CURRENT_TIMESTAMP
        RETURNING * INTO v_card;
        v_created := v_card."id" = p_id;
        IF v_created AND p_max_cards IS NOT NULL
           AND (SELECT count(*) FROM "cards" WHERE "tenant_id" = p_tenant_id AND "user_id" = p_user_id) > p_max_cards THEN
            RAISE EXCEPTION 'card_limit_reached' USING ERRCODE = 'VA001';
        END IF;
    END IF;
    UPDATE "card_entry_sessions" SET "used_at" = p_now, "card_id" = v_card."id"
     WHERE "id" = p_session_id AND "used_at" IS NULL AND "expires_at" > p_now;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'session_used' USING ERRCODE = 'VA002';
    END IF;
    INSERT INTO "audit_events" ("chain", "seq", "occurred_at", "actor_service", "user_id", "tenant_id", "action", "target",
                                "outcome", "request_id", "body", "prev_hash", "hash")
        VALUES (p_audit_chain, 0, p_audit_occurred_at, p_audit_actor, p_user_id, p_tenant_id, 'card.create', v_card."id",
                'success', p_audit_request_id,
                replace(CASE WHEN v_created THEN p_audit_body_created ELSE p_audit_body_duplicate END,
                        '"target":"@@card@@"', '"target":"' || v_card."id" || '"'),
                '', '');
    RETURN QUERY SELECT v_card, v_created;
END;
$$;
