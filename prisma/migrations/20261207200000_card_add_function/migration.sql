-- One card-add merge for both ways a card comes in: the hosted form's add (vault_store_card) and the card import
-- (npm run cards:import). The import had its own copy of these steps in TypeScript; the two had to be kept alike by
-- hand. Now vault_add_card is the merge, vault_store_card runs it and adds what only a form add has (the cap, the
-- session, its audit row), and the import calls vault_add_card for each row inside its batch transaction. Pinned by
-- the card repository contract (test/contract/card-repository.contract.ts: storeFromSession and addOrMerge), which
-- also runs the in-memory fake.
--
-- vault_add_card, all or nothing:
--   1. serialise card writes of the owner (the advisory lock key the vault takes: p_lock_key);
--   2. a card under one of the owner's older fingerprints (a fingerprint-key rotation) is moved to the current
--      fingerprint and updated; otherwise insert, or update the owner's card with this fingerprint (a duplicate):
--      expiry and name;
--   3. the billing profile, as the caller says (p_new_card_only):
--      false (the form): the inline profile (p_profile_*) is inserted before the card, and p_billing_profile_id is
--            set (when p_set_billing_profile) on the new, duplicate or moved card alike;
--      true (the import): a card that already existed keeps its own profile; the inline profile is inserted, and
--            p_billing_profile_id set, only with a new card.
CREATE FUNCTION "vault_add_card"(
    p_lock_key TEXT,
    p_id TEXT, p_tenant_id TEXT, p_user_id TEXT, p_brand TEXT, p_bin TEXT, p_last4 TEXT,
    p_exp_month INTEGER, p_exp_year INTEGER, p_cardholder_name TEXT,
    p_set_billing_profile BOOLEAN, p_billing_profile_id TEXT,
    p_fingerprint TEXT, p_fingerprint_key_version TEXT, p_older_fingerprints TEXT[],
    p_ciphertext BYTEA, p_key_version TEXT,
    p_profile_id TEXT, p_profile_ciphertext BYTEA, p_profile_key_version TEXT,
    p_new_card_only BOOLEAN
) RETURNS TABLE ("card" "cards", "created" BOOLEAN) LANGUAGE plpgsql AS $$
DECLARE
    v_card "cards";
    v_created BOOLEAN := false;
    -- Whether p_billing_profile_id goes to whichever card the add lands on (new, duplicate or moved): the form's way.
    v_link_any BOOLEAN := p_set_billing_profile AND NOT p_new_card_only;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(p_lock_key, 0));
    IF p_profile_id IS NOT NULL AND NOT p_new_card_only THEN
        INSERT INTO "billing_profiles" ("id", "tenant_id", "user_id", "ciphertext", "key_version")
            VALUES (p_profile_id, p_tenant_id, p_user_id, p_profile_ciphertext, p_profile_key_version);
    END IF;
    IF cardinality(p_older_fingerprints) > 0 THEN
        UPDATE "cards" SET "exp_month" = p_exp_month, "exp_year" = p_exp_year, "cardholder_name" = p_cardholder_name,
               "billing_profile_id" = CASE WHEN v_link_any THEN p_billing_profile_id ELSE "billing_profile_id" END,
               "fingerprint" = p_fingerprint, "fingerprint_key_version" = p_fingerprint_key_version,
               "version" = "version" + 1, "updated_at" = CURRENT_TIMESTAMP
         WHERE "id" = (SELECT "id" FROM "cards" WHERE "tenant_id" = p_tenant_id AND "user_id" = p_user_id
                          AND "fingerprint" = ANY (p_older_fingerprints) LIMIT 1)
        RETURNING * INTO v_card;
    END IF;
    IF v_card."id" IS NULL THEN
        INSERT INTO "cards" ("id", "tenant_id", "user_id", "billing_profile_id", "brand", "bin", "last4", "exp_month",
                             "exp_year", "cardholder_name", "fingerprint", "fingerprint_key_version", "ciphertext", "key_version")
            VALUES (p_id, p_tenant_id, p_user_id, CASE WHEN v_link_any THEN p_billing_profile_id END, p_brand, p_bin,
                    p_last4, p_exp_month, p_exp_year, p_cardholder_name, p_fingerprint, p_fingerprint_key_version, p_ciphertext,
                    p_key_version)
        ON CONFLICT ("tenant_id", "user_id", "fingerprint") DO UPDATE SET
               "exp_month" = p_exp_month, "exp_year" = p_exp_year, "cardholder_name" = p_cardholder_name,
               "billing_profile_id" = CASE WHEN v_link_any THEN p_billing_profile_id ELSE "cards"."billing_profile_id" END,
               "version" = "cards"."version" + 1, "updated_at" = CURRENT_TIMESTAMP
        RETURNING * INTO v_card;
        v_created := v_card."id" = p_id;
        -- A new card takes the profile now (the row it refers to must exist first); this is still its first version.
        IF v_created AND p_new_card_only THEN
            IF p_profile_id IS NOT NULL THEN
                INSERT INTO "billing_profiles" ("id", "tenant_id", "user_id", "ciphertext", "key_version")
                    VALUES (p_profile_id, p_tenant_id, p_user_id, p_profile_ciphertext, p_profile_key_version);
            END IF;
            IF p_set_billing_profile THEN
                UPDATE "cards" SET "billing_profile_id" = p_billing_profile_id WHERE "id" = p_id RETURNING * INTO v_card;
            END IF;
        END IF;
    END IF;
    RETURN QUERY SELECT v_card, v_created;
END;
$$;

-- The hosted form's add: the same steps as before (20261126020000_store_card_function), its merge now vault_add_card's.
--   1. vault_add_card (the owner's lock, the inline profile, the move or upsert);
--   2. a new card past p_max_cards: raise VA001 (card_limit_reached), undoing everything;
--   3. consume the session; if another request used it first or it expired: raise VA002 (session_used);
--   4. append the audit event: its body is the vault's canonical JSON with the placeholder target "@@card@@"
--      replaced by the card's id, and the body for a duplicate (reason "duplicate") chosen when the card existed.
CREATE OR REPLACE FUNCTION "vault_store_card"(
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
    v_added RECORD;
    v_card "cards";
    v_created BOOLEAN;
BEGIN
    SELECT a."card", a."created" INTO v_added FROM "vault_add_card"(
        p_lock_key, p_id, p_tenant_id, p_user_id, p_brand, p_bin, p_last4, p_exp_month, p_exp_year, p_cardholder_name,
        p_set_billing_profile, p_billing_profile_id, p_fingerprint, p_fingerprint_key_version, p_older_fingerprints,
        p_ciphertext, p_key_version, p_profile_id, p_profile_ciphertext, p_profile_key_version, false) a;
    v_card := v_added."card";
    v_created := v_added."created";
    IF v_created AND p_max_cards IS NOT NULL
       AND (SELECT count(*) FROM "cards" WHERE "tenant_id" = p_tenant_id AND "user_id" = p_user_id) > p_max_cards THEN
        RAISE EXCEPTION 'card_limit_reached' USING ERRCODE = 'VA001';
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
