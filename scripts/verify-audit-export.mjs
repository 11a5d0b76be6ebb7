#!/usr/bin/env node
/**
 * Verifies a payment-vault audit export (`npm run audit:export`) on its own: one file, Node.js built-ins only,
 * no access to the vault. Give it to a QSA or a SIEM as it is.
 *
 *   node verify-audit-export.mjs export.jsonl [--previous earlier-export.jsonl]
 *
 * Exit 0: every link intact (it prints each chain's range and head hash; compare the heads with the vault's own
 * `npm run audit:verify -- --json` or with the heads you recorded at export time to anchor the file). Exit 1: the
 * file was changed, cut or reordered (it names the first line that breaks). Exit 2: usage, or unreadable file.
 *
 * Checked: the header's format; each event's hash = sha256(prevHash + body) and prevHash = the hash before it in
 * its chain (genesis: 64 zeros; with --previous, the previous export's head for that chain); seqs contiguous from
 * the header's fromSeq to its headSeq and the last hash equal to its headHash; each body an audit event of that
 * chain; the trailer's event count and its sha256 of every byte before it — so any changed byte fails.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

const FORMAT = 'payment-vault-audit-export';
const GENESIS = '0'.repeat(64);
const HEX64 = /^[0-9a-f]{64}$/;
const SEQ = /^[1-9][0-9]{0,18}$|^0$/;

class Broken extends Error {}

/** Each line of `file` as text (strict UTF-8) with its 1-based number and the sha256 of every byte before it. */
async function* lines(file) {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const before = createHash('sha256');
  let pending = Buffer.alloc(0);
  let number = 0;
  for await (const chunk of createReadStream(file)) {
    pending = Buffer.concat([pending, chunk]);
    let nl;
    while ((nl = pending.indexOf(10)) >= 0) {
      const raw = pending.subarray(0, nl + 1);
      pending = pending.subarray(nl + 1);
      number++;
      let text;
      try {
        text = decoder.decode(raw.subarray(0, nl));
      } catch {
        throw new Broken(`line ${number}: not UTF-8`);
      }
      yield { number, text, digestBefore: before.copy().digest('hex') };
      before.update(raw);
    }
  }
  if (pending.length) throw new Broken(`line ${number + 1}: the file does not end with a newline (cut off?)`);
}

const parse = (text, number) => {
  try {
    const value = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  } catch {}
  throw new Broken(`line ${number}: not a JSON object`);
};
const sameKeys = (object, keys) => Object.keys(object).length === keys.length && keys.every((k) => Object.hasOwn(object, k));

/** The header's chain ranges, checked. */
function header(value, number) {
  if (
    !sameKeys(value, ['format', 'version', 'exportedAt', 'since', 'continues', 'chains']) ||
    value.format !== FORMAT ||
    value.version !== 1 ||
    typeof value.continues !== 'boolean' ||
    !Array.isArray(value.chains)
  ) {
    throw new Broken(`line ${number}: not a version 1 ${FORMAT} header`);
  }
  // A whole export (neither --since nor --after) starts every chain at its genesis: a cut-off beginning fails.
  const whole = value.since === null && !value.continues;
  const chains = new Map();
  for (const c of value.chains) {
    if (!sameKeys(c, ['chain', 'fromSeq', 'headSeq', 'headHash']) || !Number.isInteger(c.chain) || !SEQ.test(c.fromSeq) || !SEQ.test(c.headSeq) || !HEX64.test(c.headHash) || chains.has(c.chain)) {
      throw new Broken(`line ${number}: a chain range is malformed or repeated`);
    }
    if (BigInt(c.fromSeq) < 1n || BigInt(c.fromSeq) > BigInt(c.headSeq) + 1n) throw new Broken(`line ${number}: chain ${c.chain}'s range is impossible`);
    if (whole && c.fromSeq !== '1') throw new Broken(`line ${number}: chain ${c.chain} of a whole export does not start at its genesis (its beginning was cut off)`);
    chains.set(c.chain, { ...c, next: BigInt(c.fromSeq), lastHash: null });
  }
  return chains;
}

/** Verifies `file`; `previousHeads`: chain → { headSeq, headHash } of the export before it. Returns a summary. */
async function verify(file, previousHeads) {
  let chains = null;
  let events = 0;
  let ended = false;
  for await (const { number, text, digestBefore } of lines(file)) {
    if (ended) throw new Broken(`line ${number}: a line after the trailer`);
    const value = parse(text, number);
    if (!chains) {
      chains = header(value, number);
      continue;
    }
    if (Object.hasOwn(value, 'end')) {
      if (!sameKeys(value, ['end', 'events', 'digest']) || value.end !== true) throw new Broken(`line ${number}: malformed trailer`);
      if (value.events !== events) throw new Broken(`line ${number}: the trailer counts ${value.events} events, the file has ${events}`);
      if (value.digest !== digestBefore) throw new Broken(`line ${number}: the file's bytes before the trailer are not the ones exported (digest differs)`);
      // The trailer's own bytes are exactly what the exporter writes (no byte of it can change either).
      if (text !== JSON.stringify({ end: true, events, digest: digestBefore })) throw new Broken(`line ${number}: the trailer is not as exported`);
      ended = true;
      continue;
    }
    if (!sameKeys(value, ['chain', 'seq', 'prevHash', 'hash', 'body']) || typeof value.body !== 'string' || !SEQ.test(value.seq) || !HEX64.test(value.prevHash) || !HEX64.test(value.hash)) {
      throw new Broken(`line ${number}: malformed event`);
    }
    const c = chains.get(value.chain);
    if (!c) throw new Broken(`line ${number}: chain ${value.chain} is not in the header`);
    if (BigInt(value.seq) !== c.next) throw new Broken(`line ${number}: chain ${c.chain} expected seq ${c.next}, found ${value.seq} (a line removed, added or moved)`);
    const expectedPrev = c.lastHash ?? anchorOf(c, previousHeads);
    if (expectedPrev !== null && value.prevHash !== expectedPrev) throw new Broken(`line ${number}: prevHash does not link to the event before it`);
    if (createHash('sha256').update(value.prevHash + value.body, 'utf8').digest('hex') !== value.hash) throw new Broken(`line ${number}: hash is not sha256(prevHash + body)`);
    let body;
    try {
      body = JSON.parse(value.body);
    } catch {}
    if (typeof body !== 'object' || body === null || body.v !== 1 || body.chain !== c.chain) throw new Broken(`line ${number}: body is not an audit event of chain ${c.chain}`);
    c.lastHash = value.hash;
    c.next++;
    events++;
  }
  if (!chains) throw new Broken('line 1: the file is empty');
  if (!ended) throw new Broken('the trailer is missing (the file was cut off)');
  for (const c of chains.values()) {
    if (c.next !== BigInt(c.headSeq) + 1n) throw new Broken(`chain ${c.chain}: ends at seq ${c.next - 1n}, the header says ${c.headSeq}`);
    if (c.lastHash !== null && c.lastHash !== c.headHash) throw new Broken(`chain ${c.chain}: the last hash is not the header's headHash`);
  }
  return { events, chains: [...chains.values()] };
}

/** The hash the first exported event of a chain must link to, or null when the file alone cannot say. */
function anchorOf(c, previousHeads) {
  if (c.fromSeq === '1') return GENESIS;
  const previous = previousHeads?.get(c.chain);
  if (!previous) return null;
  if (BigInt(previous.headSeq) + 1n !== BigInt(c.fromSeq)) throw new Broken(`chain ${c.chain}: starts at seq ${c.fromSeq}, the previous export ended at ${previous.headSeq} (a gap or overlap)`);
  return previous.headHash;
}

const args = process.argv.slice(2);
const at = args.indexOf('--previous');
const previousFile = at >= 0 ? args[at + 1] : undefined;
const files = at >= 0 ? args.filter((_, i) => i !== at && i !== at + 1) : args;
if (files.length !== 1 || (at >= 0 && !previousFile) || files[0].startsWith('-')) {
  console.error('usage: node verify-audit-export.mjs <export.jsonl> [--previous <earlier-export.jsonl>]');
  process.exit(2);
}
try {
  let previousHeads = null;
  if (previousFile) {
    const previous = await verify(previousFile, null);
    previousHeads = new Map(previous.chains.map((c) => [c.chain, c]));
  }
  const { events, chains } = await verify(files[0], previousHeads);
  console.log(`audit export: OK — ${events} events in ${chains.length} chain(s), every link intact`);
  for (const c of chains) {
    const anchored = c.fromSeq === '1' ? 'from genesis' : previousHeads?.has(c.chain) ? 'linked to the previous export' : `from seq ${c.fromSeq} (its first prevHash is not checked: no --previous holding this chain)`;
    console.log(`  chain ${c.chain}: seq ${c.fromSeq}..${c.headSeq} ${anchored}; head ${c.headHash}`);
  }
} catch (err) {
  if (err instanceof Broken) {
    console.error(`audit export: BROKEN — ${err.message}`);
    process.exit(1);
  }
  console.error(`audit export: could not read (${err.code ?? err.message})`);
  process.exit(2);
}
