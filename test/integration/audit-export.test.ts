import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAuditStore } from '../../services/vault/src/audit/audit-store.ts';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { openDatabase, type Database } from '../../services/vault/src/storage/database.ts';
import { sqlOn } from '../../services/vault/src/storage/sql.ts';
import { runNpmScriptAsync } from '../support/run-script.ts';
import { scratchDatabase } from '../support/test-database.ts';

/**
 * `npm run audit:export` and the standalone verifier (scripts/verify-audit-export.mjs, Node built-ins only) that a
 * QSA or a SIEM runs on the file alone: intact exports verify, consecutive exports link up, and any one changed
 * byte — anywhere in the file — fails the verification.
 */
const VERIFIER = path.join(REPO_ROOT, 'scripts', 'verify-audit-export.mjs');
let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
let db: Database;
let audit: SqlAuditStore;
let dir: string;

const append = (n: number, prefix: string) =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      audit.append({ action: 'card.read', outcome: 'success', actorService: 'account-settings', requestId: `${prefix}-${i}`, tenantId: 't-export', userId: `u-${i % 7}`, target: `card_${prefix}${i}` }),
    ),
  );

function verify(file: string, previous?: string): { status: number | null; out: string } {
  const run = spawnSync(process.execPath, [VERIFIER, file, ...(previous ? ['--previous', previous] : [])], { encoding: 'utf8', env: {} });
  return { status: run.status, out: run.stdout + run.stderr };
}

async function exportTo(name: string, args: string[] = []): Promise<string> {
  const file = path.join(dir, name);
  const run = await runNpmScriptAsync('audit:export', { DATABASE_URL: scratch.url, VAULT_AUDIT_CHAINS: '3' }, ['--out', file, ...args]);
  expect(run.status, run.stderr).toBe(0);
  return file;
}

beforeAll(async () => {
  scratch = await scratchDatabase();
  db = openDatabase({ url: scratch.url, poolMax: 4 });
  audit = new SqlAuditStore(sqlOn(db.pool), 3);
  dir = mkdtempSync(path.join(os.tmpdir(), 'audit-export-'));
  await append(150, 'a');
}, 60_000);
afterAll(async () => {
  await db?.close();
  await scratch?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('audit export and its standalone verifier', () => {
  let full: string;

  it('exports every chain from genesis, with hash links; the verifier says OK on the file alone', async () => {
    full = await exportTo('full.jsonl');
    const lines = readFileSync(full, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ format: 'payment-vault-audit-export', version: 1, since: null });
    expect(lines[0].chains).toHaveLength(3);
    expect(lines.at(-1)).toMatchObject({ end: true, events: 150 });
    expect(lines.slice(1, -1)).toHaveLength(150);
    expect(Object.keys(lines[1]).sort()).toEqual(['body', 'chain', 'hash', 'prevHash', 'seq']);
    // The export is itself audited.
    const { rows } = await db.pool.query(`SELECT body::json->>'reason' AS reason FROM audit_events WHERE action = 'audit.export'`);
    expect(rows.map((r) => r.reason)).toEqual(['events=150 from=start']);
    const v = verify(full);
    expect(v.status, v.out).toBe(0);
    expect(v.out).toContain('audit export: OK — 150 events in 3 chain(s)');
    expect(v.out).toContain('from genesis');
  }, 60_000);

  it('a later export continues where the last one ended (--after) and links to it (--previous)', async () => {
    await append(40, 'b');
    const next = await exportTo('next.jsonl', ['--after', full]);
    const lines = readFileSync(next, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.at(-1)).toMatchObject({ events: 41 }); // 40 + the first export's own audit.export event
    expect(verify(next, full).status).toBe(0);
    expect(verify(next, full).out).toContain('linked to the previous export');
    // Without the earlier file it still verifies, saying the first link is unchecked.
    expect(verify(next).out).toContain('its first prevHash is not checked');
    // Linked to the wrong predecessor (itself): refused.
    expect(verify(next, next).status).toBe(1);
  }, 60_000);

  it('--since starts each chain at its first event at or after that time', async () => {
    const since = new Date(Date.now() + 1_000);
    await new Promise((r) => setTimeout(r, 1_100));
    await append(9, 'c');
    const file = await exportTo('since.jsonl', ['--since', since.toISOString()]);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines[0].since).toBe(since.toISOString());
    expect(lines.slice(1, -1).map((l) => JSON.parse(l.body).requestId).filter((r: string) => r.startsWith('c-')).sort()).toHaveLength(9);
    expect(lines.slice(1, -1).every((l) => new Date(JSON.parse(l.body).occurredAt) >= since)).toBe(true);
    expect(verify(file).status).toBe(0);
  }, 60_000);

  it('property: one byte changed anywhere in the file fails the verification', () => {
    const original = readFileSync(full);
    const mutated = path.join(dir, 'mutated.jsonl');
    fc.assert(
      fc.property(fc.nat(original.length - 1), fc.integer({ min: 1, max: 255 }), (at, delta) => {
        const copy = Buffer.from(original);
        copy[at] = (copy[at]! + delta) % 256;
        writeFileSync(mutated, copy);
        const v = verify(mutated);
        expect(v.status, `byte ${at} ${original[at]} → ${copy[at]}: ${v.out}`).toBe(1);
        expect(v.out).toMatch(/^audit export: BROKEN — /);
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('names the line of a removed, moved or duplicated event, and a cut-off file', () => {
    const lines = readFileSync(full, 'utf8').split('\n');
    const variants: Record<string, string[]> = {
      removed: [...lines.slice(0, 5), ...lines.slice(6)],
      moved: [lines[0]!, lines[2]!, lines[1]!, ...lines.slice(3)],
      duplicated: [...lines.slice(0, 5), lines[4]!, ...lines.slice(5)],
      'cut off': lines.slice(0, 100),
    };
    for (const [name, content] of Object.entries(variants)) {
      const file = path.join(dir, `${name}.jsonl`);
      writeFileSync(file, content.join('\n') + (content.at(-1) === '' ? '' : '\n'));
      const v = verify(file);
      expect(v.status, `${name}: ${v.out}`).toBe(1);
    }
  });

  it('a whole export whose chain beginning was cut off (ranges, count and digest recomputed) fails; so does a rewritten trailer', () => {
    const lines = readFileSync(full, 'utf8').trimEnd().split('\n');
    const header = JSON.parse(lines[0]!);
    const chain = header.chains[0].chain as number;
    const events = lines.slice(1, -1).map((l) => JSON.parse(l));
    const firstOfChain = events.findIndex((e) => e.chain === chain);
    const kept = events.filter((_, i) => i !== firstOfChain);
    header.chains[0].fromSeq = '2';
    const body = [JSON.stringify(header), ...kept.map((e) => JSON.stringify(e))].map((l) => `${l}\n`).join('');
    const digest = createHash('sha256').update(body).digest('hex');
    const cut = path.join(dir, 'cut-start.jsonl');
    writeFileSync(cut, `${body}${JSON.stringify({ end: true, events: kept.length, digest })}\n`);
    const v = verify(cut);
    expect(v.status, v.out).toBe(1);
    expect(v.out).toContain('does not start at its genesis');

    const spaced = path.join(dir, 'spaced-trailer.jsonl');
    const trailer = JSON.parse(lines.at(-1)!);
    writeFileSync(spaced, `${lines.slice(0, -1).join('\n')}\n${JSON.stringify(trailer, null, 1).replace(/\n/g, '')}\n`);
    expect(verify(spaced).status).toBe(1);
  });

  it('usage errors and unreadable files exit 2', () => {
    expect(verify(path.join(dir, 'missing.jsonl')).status).toBe(2);
    expect(spawnSync(process.execPath, [VERIFIER], { encoding: 'utf8' }).status).toBe(2);
  });
});
