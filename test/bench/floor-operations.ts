/**
 * The floor's operations: per vault operation, only the work it cannot avoid — the PAN's keyed hash, one ESDK
 * encrypt or decrypt with the vault's own envelope, one JWE to the processor, one Redis command and ONE
 * PostgreSQL round trip that writes the audit row in the same statement as the read or write (a CTE). Floor-owned
 * tables (`floor_cards`, `floor_audit`) in the bench database; the vault's tables are never touched.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Envelope } from '../../services/vault/src/crypto/envelope.ts';
import type { Fingerprinter } from '../../services/vault/src/crypto/fingerprint.ts';
import { encryptForProcessor } from '../../services/vault/src/crypto/processor-jwe.ts';
import { Pan } from '../../services/vault/src/crypto/secret.ts';
import type { ProcessorKey } from '../../services/vault/src/crypto/processor-key.ts';

export interface FloorDeps {
  readonly pool: pg.Pool;
  readonly redis: Redis;
  readonly envelope: Envelope;
  readonly fingerprinter: Fingerprinter;
  readonly processorKey: ProcessorKey;
}

/** Who a request is for: the floor trusts what it is told (the vault's authentication is not floor work). */
export interface FloorOwner {
  readonly tenant: string;
  readonly owner: string;
}

export interface FloorCardInput {
  readonly number: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly cardholderName: string;
}

const TOKEN_TTL_SECONDS = 900;

export async function createFloorTables(pool: pg.Pool): Promise<void> {
  await pool.query(`
    CREATE TABLE IF NOT EXISTS floor_cards (
      id text PRIMARY KEY, tenant_id text NOT NULL, owner text NOT NULL, brand text NOT NULL, bin text NOT NULL,
      last4 text NOT NULL, exp_month int NOT NULL, exp_year int NOT NULL, cardholder_name text NOT NULL,
      fingerprint text NOT NULL, ciphertext bytea NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
    CREATE INDEX IF NOT EXISTS floor_cards_owner ON floor_cards (tenant_id, owner, created_at);
    CREATE INDEX IF NOT EXISTS floor_cards_fingerprint ON floor_cards (tenant_id, fingerprint);
    CREATE TABLE IF NOT EXISTS floor_audit (
      id bigserial PRIMARY KEY, occurred_at timestamptz NOT NULL DEFAULT now(), actor text NOT NULL,
      tenant_id text, owner text, action text NOT NULL, target text, outcome text NOT NULL);`);
}

const cardContext = (who: FloorOwner, id: string) => ({ purpose: 'card', tenant: who.tenant, owner: who.owner, record: id });

interface CardRow {
  id: string;
  brand: string;
  bin: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  cardholder_name: string;
  fingerprint: string;
  created_at: Date;
}

const CARD_COLUMNS = 'id, brand, bin, last4, exp_month, exp_year, cardholder_name, fingerprint, created_at';

function maskedView(row: CardRow) {
  return {
    id: row.id,
    brand: row.brand,
    bin: row.bin,
    last4: row.last4,
    expMonth: row.exp_month,
    expYear: row.exp_year,
    cardholderName: row.cardholder_name,
    fingerprint: row.fingerprint,
    createdAt: row.created_at.toISOString(),
  };
}

/** store: keyed hash, one encrypt, one INSERT of card + audit row; the masked view. */
export async function storeCard(deps: FloorDeps, who: FloorOwner, card: FloorCardInput) {
  const id = `card_${randomBytes(12).toString('base64url')}`;
  const pan = new Pan(card.number);
  const fingerprint = deps.fingerprinter.fingerprint(who.tenant, pan);
  const sealed = await deps.envelope.encrypt(Buffer.from(JSON.stringify({ v: 1, number: pan.reveal() })), cardContext(who, id));
  const { rows } = await deps.pool.query<CardRow>(
    `WITH card AS (
       INSERT INTO floor_cards (id, tenant_id, owner, brand, bin, last4, exp_month, exp_year, cardholder_name, fingerprint, ciphertext)
       VALUES ($1, $2, $3, 'visa', $4, $5, $6, $7, $8, $9, $10) RETURNING ${CARD_COLUMNS}),
     audit AS (
       INSERT INTO floor_audit (actor, tenant_id, owner, action, target, outcome)
       SELECT 'card-form', $2, $3, 'card.create', id, 'success' FROM card)
     SELECT * FROM card`,
    [id, who.tenant, who.owner, card.number.slice(0, 6), card.number.slice(-4), card.expMonth, card.expYear, card.cardholderName, fingerprint, sealed.ciphertext],
  );
  return maskedView(rows[0]!);
}

/** list: one SELECT of the owner's cards with the audit row inserted by the same statement. */
export async function listCards(deps: FloorDeps, who: FloorOwner) {
  const { rows } = await deps.pool.query<CardRow>(
    `WITH audit AS (
       INSERT INTO floor_audit (actor, tenant_id, owner, action, outcome) VALUES ('account-settings', $1, $2, 'card.list', 'success'))
     SELECT ${CARD_COLUMNS} FROM floor_cards WHERE tenant_id = $1 AND owner = $2 ORDER BY created_at LIMIT 100`,
    [who.tenant, who.owner],
  );
  return { cards: rows.map(maskedView) };
}

const tokenKey = (token: string) => `floor:token:${createHash('sha256').update(token).digest('base64url')}`;

/** issue: one SELECT of the ciphertext + audit row, one decrypt, one JWE, one Redis SET with expiry. Null: no such card. */
export async function issueToken(deps: FloorDeps, who: FloorOwner, request: { cardId: string; cvc: string; invoice: unknown }): Promise<{ token: string } | null> {
  const { rows } = await deps.pool.query<{ id: string; exp_month: number; exp_year: number; ciphertext: Buffer }>(
    `WITH card AS (
       SELECT id, exp_month, exp_year, ciphertext FROM floor_cards WHERE id = $1 AND tenant_id = $2 AND owner = $3),
     audit AS (
       INSERT INTO floor_audit (actor, tenant_id, owner, action, target, outcome)
       SELECT 'payment-flow', $2, $3, 'payment_token.issue', id, 'success' FROM card)
     SELECT * FROM card`,
    [request.cardId, who.tenant, who.owner],
  );
  const card = rows[0];
  if (!card) return null;
  const { number } = JSON.parse(Buffer.from(await deps.envelope.decrypt(card.ciphertext, cardContext(who, card.id))).toString()) as { number: string };
  const jwe = await encryptForProcessor({ number, expMonth: card.exp_month, expYear: card.exp_year, cvc: request.cvc, invoice: request.invoice }, deps.processorKey);
  const token = randomBytes(32).toString('base64url');
  await deps.redis.set(tokenKey(token), jwe, 'EX', TOKEN_TTL_SECONDS);
  return { token };
}

/** redeem: one GETDEL, one INSERT of the audit row. Null: unknown or used token. */
export async function redeemToken(deps: FloorDeps, token: string): Promise<{ jwe: string } | null> {
  const jwe = await deps.redis.getdel(tokenKey(token));
  await deps.pool.query(
    `INSERT INTO floor_audit (actor, action, outcome) VALUES ('processor-xero-payments', 'payment_token.redeem', $1)`,
    [jwe ? 'success' : 'denied'],
  );
  return jwe ? { jwe } : null;
}
